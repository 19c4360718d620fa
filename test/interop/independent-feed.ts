// An independent reading of docs/revocation-feed.md (version 2): verify a signed feed, decode its
// Rice-coded pieces and fold feeds into held sets, written from the document alone with cbor-x
// (CBOR) and node:crypto (Ed25519), sharing no code with src/. The Rice decoder walks a string
// of '0'/'1' characters, the set lookup is a plain includes(): slow and obviously so, which is
// the point. test/interop/conformance.test.ts runs every feed vector through it.
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { Decoder, Tag } from 'cbor-x';
import { kidOf, sigStructure, type TrustedKey } from './independent-verifier.ts';

const CONTENT_TYPE = 'application/vnd.tricolor.revocations+cbor';
const WINDOW = 21_600;
const MAX_PIECES = 256;
const MAX_EPOCH = 15;
const MAX_COUNT = 4_000_000;
const MAX_RICE = 31;
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });

export type HeldSet = { window: number; epoch: number; domain: number; indices: number[] };
export type Feed = {
  issuer: string;
  kind: 'snapshot' | 'delta';
  fromSeq: number;
  toSeq: number;
  issuedAt: number;
  maxTokenLifetime: number;
  sets: HeldSet[];
};
export type FeedVerdict = { valid: true; feed: Feed } | { valid: false; reason: string };

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** cbor-x gives integers written in 8 bytes (2^32 and up) as bigint; the format's integers stay below 2^53. */
const asNumber = (v: unknown): unknown => (typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
const refuse = (reason: string): FeedVerdict => ({ valid: false, reason });

function decode(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: decoder.decode(bytes) };
  } catch {
    return { ok: false };
  }
}

/** The envelope, key, signature and time checks, then the payload, in the document's order. */
export function verifyFeedIndependently(bytes: Uint8Array, keys: TrustedKey[], now: number, skew = 300): FeedVerdict {
  const outer = decode(bytes);
  if (!outer.ok) return refuse('bad_cbor');
  if (!(outer.value instanceof Tag) || outer.value.tag !== 18 || !Array.isArray(outer.value.value) || outer.value.value.length !== 4)
    return refuse('not_cose_sign1');
  const [protectedBytes, unprotected, payload, signature] = outer.value.value as unknown[];
  if (
    !(protectedBytes instanceof Uint8Array) ||
    !(unprotected instanceof Map) ||
    !(payload instanceof Uint8Array) ||
    !(signature instanceof Uint8Array)
  )
    return refuse('not_cose_sign1');
  const header = decode(protectedBytes);
  if (!header.ok) return refuse('bad_cbor');
  const h = header.value;
  // Protected header exactly {1: -8, 3: content type, 4: 8-byte kid}; unprotected empty.
  if (!(h instanceof Map) || h.get(1) !== -8) return refuse('unsupported_alg');
  if (unprotected.size > 0 || h.size !== 3 || h.get(3) !== CONTENT_TYPE) return refuse('bad_header');
  const kid = h.get(4);
  if (!(kid instanceof Uint8Array) || kid.length !== 8) return refuse('bad_header');
  const key = keys.find((k) => k.kidHex === Buffer.from(kid).toString('hex') && kidOf(Buffer.from(k.publicKeyHex, 'hex')) === k.kidHex);
  if (!key) return refuse('unknown_kid');
  if (key.state === 'revoked') return refuse('key_revoked');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.publicKeyHex, 'hex').toString('base64url') },
    format: 'jwk',
  });
  if (signature.length !== 64 || !cryptoVerify(null, sigStructure(protectedBytes, payload), publicKey, signature))
    return refuse('bad_signature');

  const body = decode(payload);
  if (!body.ok) return refuse('bad_cbor');
  const feed = readPayload(body.value);
  if ('reason' in feed) return refuse(feed.reason);
  if (feed.issuedAt < key.validFrom || (key.validUntil != null && feed.issuedAt >= key.validUntil)) return refuse('key_not_valid_at_iat');
  if (feed.issuedAt > now + skew) return refuse('not_yet_valid');
  return { valid: true, feed };
}

function readPayload(map: unknown): Feed | { reason: string } {
  const bad = { reason: 'bad_format' };
  if (!(map instanceof Map)) return bad;
  // Fields 1-6 and 9, nothing else (7 and 8 were version 1's).
  for (const k of map.keys()) if (![1, 2, 3, 4, 5, 6, 9].includes(k)) return bad;
  const [issuer, kind, fromSeq, toSeq, issuedAt, maxTokenLifetime] = [1, 2, 3, 4, 5, 6].map((k) => asNumber(map.get(k)));
  if (typeof issuer !== 'string' || issuer === '' || (kind !== 0 && kind !== 1)) return bad;
  if (!isUint(fromSeq) || !isUint(toSeq) || toSeq < fromSeq || (kind === 0 && fromSeq !== 0)) return bad;
  if (!isUint(issuedAt) || !isUint(maxTokenLifetime) || !map.has(9)) return bad;
  const sets = readPieces(map.get(9));
  if (!sets) return { reason: 'bad_status_set' };
  return { issuer, kind: kind === 0 ? 'snapshot' : 'delta', fromSeq, toSeq, issuedAt, maxTokenLifetime, sets };
}

function readPieces(value: unknown): HeldSet[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_PIECES) return undefined;
  const sets: HeldSet[] = [];
  for (const item of value) {
    if (!Array.isArray(item) || item.length !== 6) return undefined;
    const [window, epoch, domain, count, riceBits, bits] = (item as unknown[]).map(asNumber);
    if (!isUint(window) || window >= 2 ** 32 || !isUint(epoch) || epoch > MAX_EPOCH) return undefined;
    if (!isUint(domain) || domain < 1 || domain > 2 ** 32) return undefined;
    if (!isUint(count) || count > domain || count > MAX_COUNT || !isUint(riceBits) || riceBits > MAX_RICE) return undefined;
    if (!(bits instanceof Uint8Array) || (count === 0 && riceBits !== 0)) return undefined;
    // "each index takes at least riceBits + 1 bits": impossible counts are refused before decoding.
    if (count * (riceBits + 1) > bits.length * 8) return undefined;
    const indices = riceDecode(bits, count, riceBits, domain);
    if (!indices) return undefined;
    const last = sets.at(-1);
    if (last && (window < last.window || (window === last.window && epoch <= last.epoch))) return undefined;
    sets.push({ window, epoch, domain, indices });
  }
  return sets;
}

/** Gaps g = idx - prev - 1 (prev starts at -1): q ones, a zero, r bits of remainder, MSB first. */
function riceDecode(bytes: Uint8Array, count: number, r: number, domain: number): number[] | undefined {
  const bits = Array.from(bytes, (b) => b.toString(2).padStart(8, '0')).join('');
  const indices: number[] = [];
  let at = 0;
  let previous = -1;
  for (let i = 0; i < count; i++) {
    let q = 0;
    while (bits[at] === '1') {
      q++;
      at++;
      // A run longer than the rest of the domain allows is refused as soon as it gets there.
      if (previous + 1 + q * 2 ** r >= domain) return undefined;
    }
    if (bits[at] !== '0') return undefined; // the bits ended inside the run
    at++;
    if (at + r > bits.length) return undefined;
    const remainder = r === 0 ? 0 : Number.parseInt(bits.slice(at, at + r), 2);
    at += r;
    const index = previous + 1 + q * 2 ** r + remainder;
    if (index >= domain) return undefined;
    indices.push(index);
    previous = index;
  }
  // Padding: fewer than 8 bits, all zero.
  const rest = bits.slice(at);
  if (rest.length >= 8 || rest.includes('1')) return undefined;
  return indices;
}

export type Held = { seq: number; issuer: string; sets: Map<string, number[]> };
export type ApplyOutcome = { outcome: 'applied' | 'unchanged'; restored: boolean; held: Held } | { outcome: 'gap' | 'issuer_mismatch' };

const pairKey = (window: number, epoch: number) => `${window}/${epoch}`;

/**
 * The document's sync rules: a delta after the held sequence is a gap; one at or before it
 * changes nothing; everything else is unioned in, a snapshot included (revocation is one-way),
 * and a snapshot below the held sequence is a restore. Windows older than
 * floor((now - maxTokenLifetime - skew) / 21600) are dropped.
 */
export function applyIndependently(held: Held | undefined, feed: Feed, now: number, skew = 300): ApplyOutcome {
  if (held && held.issuer !== feed.issuer) return { outcome: 'issuer_mismatch' };
  if (feed.kind === 'delta' && held && feed.toSeq <= held.seq) return { outcome: 'unchanged', restored: false, held };
  if (feed.kind === 'delta' && (!held || feed.fromSeq > held.seq)) return { outcome: 'gap' };
  const oldest = Math.floor((now - feed.maxTokenLifetime - skew) / WINDOW);
  const sets = new Map<string, number[]>();
  for (const [key, indices] of held?.sets ?? []) if (Number(key.split('/')[0]) >= oldest) sets.set(key, [...indices]);
  for (const s of feed.sets) {
    if (s.window < oldest) continue;
    const union = new Set([...(sets.get(pairKey(s.window, s.epoch)) ?? []), ...s.indices]);
    sets.set(
      pairKey(s.window, s.epoch),
      [...union].sort((a, b) => a - b),
    );
  }
  const restored = held !== undefined && feed.kind === 'snapshot' && feed.toSeq < held.seq;
  return { outcome: 'applied', restored, held: { seq: feed.toSeq, issuer: feed.issuer, sets } };
}

export function isRevokedIndependently(held: Held, window: number, epoch: number, index: number): boolean {
  return (held.sets.get(pairKey(window, epoch)) ?? []).includes(index);
}
