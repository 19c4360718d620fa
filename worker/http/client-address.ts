// The client's network identity for per-client rate limits: CF-Connecting-IP, which Cloudflare's
// edge sets to the address the connection came from (a client cannot choose it). An IPv6 client
// usually holds a whole /64, so one address per request would evade any per-address limit: IPv6
// is keyed by its /64 prefix. IPv4 is keyed by the whole address.

/** `ip4:<address>`, `ip6:<first four hextets>/64`, or `unknown` when the header is absent or malformed. */
export function clientAddressKey(header: string | null | undefined): string {
  const value = (header ?? '').trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value) && value.split('.').every((part) => Number(part) <= 255)) return `ip4:${value}`;
  const prefix = ipv6Prefix64(value);
  return prefix === undefined ? 'unknown' : `ip6:${prefix}/64`;
}

/** The first 64 bits of an IPv6 address as four lower-case hextets, or undefined if it is not one. */
export function ipv6Prefix64(address: string): string | undefined {
  // A zone index (fe80::1%eth0) says nothing about the client; an embedded IPv4 tail sits in
  // the low 64 bits, which the prefix drops anyway.
  const text = address.split('%')[0]!.toLowerCase();
  if (!/^[0-9a-f:.]+$/.test(text) || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  // An IPv4 tail (::ffff:1.2.3.4) occupies two hextets.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const missing = 8 - width(head) - width(tail);
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const hextets = groups.slice(0, 4);
  if (!hextets.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return hextets.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
}
