// Independent TC1 verifier, written from docs/token-format.md alone (no code from src/), so the
// conformance vectors are checked by a second reading of the spec, not by the code that made them.
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { Decoder, type Options } from 'cbor-x';

export type TrustedKey = {
  kidHex: string;
  publicKeyHex: string;
  state: 'next' | 'active' | 'retired' | 'revoked';
  validFrom: number;
  // The vector file writes an unset window end as null, the brief as an absent field.
  validUntil?: number | null;
};
export type Revocation = { sub: string; revokedBefore: number };
export type VerifyContext = {
  trustedKeys: TrustedKey[];
  revocations: Revocation[];
  now: number;
  skewSeconds?: number;
};
export type Color = 'green' | 'yellow' | 'red';
export type Claims = {
  iss: string;
  sub: string;
  exp: number;
  iat: number;
  color: Color;
  nbf?: number;
  statusEnds?: number;
  maskedName?: string;
};
export type Verdict = { valid: true; claims: Claims } | { valid: false; reason: string };

const PREFIX = 'TC1:';
const MAX_TEXT = 1000;
const DEFAULT_SKEW = 300;

// ---------------------------------------------------------------------------------------------
// Base45, RFC 9285 §4.2, strict: reject length ≡ 1 (mod 3), foreign characters, and overflow.
const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

export function base45Decode(text: string): Uint8Array | null {
  if (text.length % 3 === 1) return null;
  const values: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const v = BASE45.indexOf(text.charAt(i));
    if (v < 0) return null;
    values.push(v);
  }
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < values.length; i += 3) {
    if (i + 2 < values.length) {
      // RFC 9285 §4.2: n = c + d*45 + e*45^2 must fit in 16 bits.
      const n = values[i]! + values[i + 1]! * 45 + values[i + 2]! * 2025;
      if (n > 0xffff) return null;
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      // A final pair encodes one byte: c + d*45 must fit in 8 bits.
      const n = values[i]! + values[i + 1]! * 45;
      if (n > 0xff) return null;
      out[o++] = n;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Strict CBOR scanner. cbor-x is lenient (indefinite lengths, duplicate keys, floats, no UTF-8
// check, special meanings for some tags, trailing bytes ignored), so every byte string is first
// walked here under the spec's "Decoding limits"; cbor-x only decodes what this accepted.

class CborError extends Error {}

type Node = {
  major: number; // 0..7 (tags are recorded in `tags`, not as nodes)
  tags: number[];
  contentStart: number; // first byte after any tag heads
  end: number;
  children: Node[]; // array items, or map key/value alternating
  hasTag: boolean; // this item or anything inside it is tagged
};

type Limits = { maxDepth: number; maxItems: number };

const TWO_53 = 2n ** 53n;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function scanCbor(bytes: Uint8Array, limits: Limits): Node {
  let pos = 0;
  let items = 0;

  const need = (n: number | bigint): void => {
    if (BigInt(n) > BigInt(bytes.length - pos)) throw new CborError('truncated');
  };
  // Reads the argument of an initial byte; returns null for additional info 31 (indefinite).
  const readArg = (ai: number): bigint | null => {
    if (ai < 24) return BigInt(ai);
    if (ai === 31) return null;
    const size = ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : ai === 27 ? 8 : 0;
    if (size === 0) throw new CborError('reserved additional information');
    need(size);
    let v = 0n;
    for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(bytes[pos++]!);
    return v;
  };

  const item = (level: number): Node => {
    // "nesting deeper than three levels": the top item is level 1, tags add no level.
    if (level > limits.maxDepth) throw new CborError('too deep');
    if (++items > limits.maxItems) throw new CborError('too many items');
    const tags: number[] = [];
    for (;;) {
      need(1);
      const ib = bytes[pos]!;
      const major = ib >> 5;
      const ai = ib & 0x1f;
      pos++;
      if (major === 6) {
        const tag = readArg(ai);
        if (tag === null) throw new CborError('indefinite tag');
        // Tag numbers are not "integers" in the data model; a huge one merely is not 18.
        tags.push(Number(tag));
        continue;
      }
      if (major === 7) {
        // Floats (25/26/27) are refused; so are the break code, reserved codes and the
        // unassigned simple values. false/true/null/undefined pass and fail later on type.
        if (ai >= 20 && ai <= 23) {
          return { major, tags, contentStart: pos - 1, end: pos, children: [], hasTag: tags.length > 0 };
        }
        throw new CborError(ai >= 25 && ai <= 27 ? 'float' : 'simple value');
      }
      const contentStart = pos - 1;
      const arg = readArg(ai);
      if (arg === null) throw new CborError('indefinite length');
      const children: Node[] = [];
      if (major === 0 || major === 1) {
        // "integers beyond 2^53": |value| ≤ 2^53; a negative is -1-arg.
        const magnitude = major === 0 ? arg : arg + 1n;
        if (magnitude > TWO_53) throw new CborError('integer too large');
      } else if (major === 2 || major === 3) {
        need(arg);
        const len = Number(arg);
        if (major === 3) {
          try {
            utf8.decode(bytes.subarray(pos, pos + len));
          } catch {
            throw new CborError('invalid UTF-8');
          }
        }
        pos += len;
      } else if (major === 4 || major === 5) {
        const count = major === 4 ? arg : arg * 2n;
        // Every item takes at least one byte: refuse impossible counts before looping.
        need(count);
        if (BigInt(items) + count > BigInt(limits.maxItems)) throw new CborError('too many items');
        const seen = new Set<string>();
        for (let i = 0n; i < count; i++) {
          const child = item(level + 1);
          if (major === 5 && i % 2n === 0n) seen.add(mapKeyIdentity(bytes, child, seen));
          children.push(child);
        }
      }
      const hasTag = tags.length > 0 || children.some((c) => c.hasTag);
      return { major, tags, contentStart, end: pos, children, hasTag };
    }
  };

  const root = item(1);
  if (pos !== bytes.length) throw new CborError('trailing bytes');
  return root;
}

// Map keys must be untagged integers or text, and unique by value (so 0x01 and 0x18 0x01 clash).
function mapKeyIdentity(bytes: Uint8Array, key: Node, seen: Set<string>): string {
  if (key.tags.length > 0 || (key.major !== 0 && key.major !== 1 && key.major !== 3)) {
    throw new CborError('map key is not an integer or text');
  }
  const value: unknown = cborx.decode(bytes.subarray(key.contentStart, key.end));
  const id = (key.major === 3 ? 's:' : 'i:') + String(value);
  if (seen.has(id)) throw new CborError('duplicate map key');
  return id;
}

// cbor-x with integer-keyed Maps, no records extension, 64-bit ints as numbers (the scanner
// already bounded them by 2^53), and byte strings copied out of the source.
const cborxOptions: Options & { int64AsNumber: boolean } = {
  mapsAsObjects: false,
  useRecords: false,
  copyBuffers: true,
  int64AsNumber: true,
};
const cborx = new Decoder(cborxOptions);

// Stands in for any tagged item below the root: no TC1 field is tagged, so its meaning never
// matters, and cbor-x must not interpret it (tag 64 would turn into a Uint8Array, tag 1 a Date).
const TAGGED = Object.freeze({ tagged: true });

function valueOf(bytes: Uint8Array, node: Node): unknown {
  if (node.tags.length > 0) return TAGGED;
  if (!node.hasTag) return cborx.decode(bytes.subarray(node.contentStart, node.end));
  if (node.major === 4) return node.children.map((c) => valueOf(bytes, c));
  const map = new Map<unknown, unknown>();
  for (let i = 0; i < node.children.length; i += 2) {
    map.set(valueOf(bytes, node.children[i]!), valueOf(bytes, node.children[i + 1]!));
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// Claims (CWT, RFC 8392, integer labels), per the spec's claims table.
const COSE_LIMITS: Limits = { maxDepth: 3, maxItems: 8 };
const CLAIMS_LIMITS: Limits = { maxDepth: 3, maxItems: 17 };
const KNOWN_LABELS = new Set([1, 2, 4, 5, 6, -65537, -65538, -65539]);
const COLORS: readonly Color[] = ['green', 'yellow', 'red'];

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const codePoints = (s: string): number => [...s].length;
const isText = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && codePoints(v) >= min && codePoints(v) <= max;

/** Decodes and type-checks a claims payload; null means `bad_claims`. */
export function decodeClaims(payload: Uint8Array): Claims | null {
  let root: Node;
  try {
    root = scanCbor(payload, CLAIMS_LIMITS);
  } catch (e) {
    if (e instanceof CborError) return null;
    throw e;
  }
  const map = valueOf(payload, root);
  if (!(map instanceof Map)) return null;
  for (const key of map.keys()) if (typeof key !== 'number' || !KNOWN_LABELS.has(key)) return null;
  const iss: unknown = map.get(1);
  const sub: unknown = map.get(2);
  const exp: unknown = map.get(4);
  const iat: unknown = map.get(6);
  const colour: unknown = map.get(-65537);
  if (!isText(iss, 1, 16) || !isText(sub, 1, 64) || !isUint(exp) || !isUint(iat)) return null;
  if (!isUint(colour) || colour > 2) return null;
  if (!(exp > iat)) return null;
  const claims: Claims = { iss, sub, exp, iat, color: COLORS[colour]! };
  if (map.has(5)) {
    const nbf: unknown = map.get(5);
    if (!isUint(nbf)) return null;
    claims.nbf = nbf;
  }
  if (map.has(-65538)) {
    const statusEnds: unknown = map.get(-65538);
    if (!isUint(statusEnds)) return null;
    claims.statusEnds = statusEnds;
  }
  if (map.has(-65539)) {
    const name: unknown = map.get(-65539);
    // "tstr ≤ 48 bytes": UTF-8 bytes, so 16 CJK characters at most.
    if (typeof name !== 'string' || new TextEncoder().encode(name).length > 48) return null;
    claims.maskedName = name;
  }
  return claims;
}

// ---------------------------------------------------------------------------------------------
// COSE_Sign1 (RFC 9052 §4.2) and its Sig_structure (§4.4).

function cborHead(major: number, length: number): number[] {
  if (length < 24) return [(major << 5) | length];
  if (length < 0x100) return [(major << 5) | 24, length];
  if (length < 0x10000) return [(major << 5) | 25, length >> 8, length & 0xff];
  return [(major << 5) | 26, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
}

/** RFC 9052 §4.4: ["Signature1", body_protected, external_aad = h'', payload], from received bytes. */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const context = new TextEncoder().encode('Signature1');
  return Uint8Array.from([
    ...cborHead(4, 4),
    ...cborHead(3, context.length),
    ...context,
    ...cborHead(2, protectedBytes.length),
    ...protectedBytes,
    ...cborHead(2, 0),
    ...cborHead(2, payload.length),
    ...payload,
  ]);
}

function ed25519Verify(publicKeyHex: string, data: Uint8Array, signature: Uint8Array): boolean {
  const raw = Buffer.from(publicKeyHex, 'hex');
  if (raw.length !== 32) throw new TypeError('trusted key is not a 32-byte Ed25519 key');
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  // RFC 8032 §5.1.7, pure Ed25519: no prehash, so the algorithm argument is null.
  return cryptoVerify(null, data, key, signature);
}

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fail = (reason: string): Verdict => ({ valid: false, reason });

/** Verifies "TC1:" QR text, running the spec's checks 1–15 in order and stopping at the first failure. */
export function verifyIndependently(qrText: string, ctx: VerifyContext): Verdict {
  // 1–2. Size before anything else, then the exact, case-sensitive prefix.
  if (qrText.length > MAX_TEXT) return fail('input_too_large');
  if (!qrText.startsWith(PREFIX)) return fail('malformed_prefix');

  // 3. Base45.
  const token = base45Decode(qrText.slice(PREFIX.length));
  if (token === null) return fail('bad_base45');

  // 4. CBOR within the limits: the token itself and, when it can be located, the protected
  // header's bytes (they are CBOR inside the token; the payload is left to check 11).
  let root: Node;
  let protectedRoot: Node | null = null;
  try {
    root = scanCbor(token, COSE_LIMITS);
    const first = root.major === 4 ? root.children[0] : undefined;
    if (first !== undefined && first.major === 2 && first.tags.length === 0) {
      const bytes = valueOf(token, first) as Uint8Array;
      // RFC 9052 §3: a zero-length protected bstr stands for the empty map.
      if (bytes.length > 0) protectedRoot = scanCbor(bytes, COSE_LIMITS);
    }
  } catch (e) {
    if (e instanceof CborError) return fail('bad_cbor');
    throw e;
  }

  // 5. Tag 18 (and only that tag) around [bstr, map, bstr, bstr], none of them tagged.
  const shape = [2, 5, 2, 2];
  if (root.tags.length !== 1 || root.tags[0] !== 18) return fail('not_cose_sign1');
  if (root.major !== 4 || root.children.length !== 4) return fail('not_cose_sign1');
  if (root.children.some((c, i) => c.major !== shape[i] || c.tags.length > 0)) return fail('not_cose_sign1');
  const [pNode, uNode, plNode, sNode] = root.children as [Node, Node, Node, Node];
  const protectedBytes = valueOf(token, pNode) as Uint8Array;
  const unprotected = valueOf(token, uNode) as Map<unknown, unknown>;
  const payload = valueOf(token, plNode) as Uint8Array;
  const signature = valueOf(token, sNode) as Uint8Array;
  const protectedValue: unknown =
    protectedRoot === null ? new Map() : valueOf(protectedBytes, protectedRoot);
  const protectedMap = protectedValue instanceof Map ? protectedValue : new Map<unknown, unknown>();

  // 6. alg only from the protected header, and only EdDSA (-8); alg/kid never unprotected.
  if (protectedMap.get(1) !== -8) return fail('unsupported_alg');
  if (unprotected.has(1) || unprotected.has(4)) return fail('unsupported_alg');

  // 7. Protected header exactly {1, 4}, kid an 8-byte bstr, unprotected header empty.
  const kid: unknown = protectedMap.get(4);
  if (protectedMap.size !== 2 || !protectedMap.has(4)) return fail('bad_header');
  if (!(kid instanceof Uint8Array) || kid.length !== 8) return fail('bad_header');
  if (unprotected.size !== 0) return fail('bad_header');

  // 8–9. Trust list lookup, then key state.
  const kidHex = toHex(kid);
  const key = ctx.trustedKeys.find((k) => k.kidHex.toLowerCase() === kidHex);
  if (key === undefined) return fail('unknown_kid');
  if (key.state === 'revoked') return fail('key_revoked');

  // 10. Ed25519 over the Sig_structure built from the bytes exactly as received.
  if (signature.length !== 64) return fail('bad_signature');
  if (!ed25519Verify(key.publicKeyHex, sigStructure(protectedBytes, payload), signature)) {
    return fail('bad_signature');
  }

  // 11. Claims, decoded only after the signature holds.
  const claims = decodeClaims(payload);
  if (claims === null) return fail('bad_claims');

  // 12. The key's window must contain iat: validFrom ≤ iat < validUntil.
  if (claims.iat < key.validFrom) return fail('key_not_valid_at_iat');
  if (key.validUntil !== undefined && key.validUntil !== null && !(claims.iat < key.validUntil)) {
    return fail('key_not_valid_at_iat');
  }

  // 13–14. Time, with the skew allowance on both sides.
  const skew = ctx.skewSeconds ?? DEFAULT_SKEW;
  if (!(ctx.now + skew >= Math.max(claims.iat, claims.nbf ?? claims.iat))) return fail('not_yet_valid');
  if (!(ctx.now - skew < claims.exp)) return fail('expired');

  // 15. Holder revocation: any entry for sub with revokedBefore ≥ iat revokes this token.
  if (ctx.revocations.some((r) => r.sub === claims.sub && r.revokedBefore >= claims.iat)) {
    return fail('token_revoked');
  }
  return { valid: true, claims };
}
