// Independent TC1 verifier, written from docs/token-format.md alone (no code from src/), so the
// conformance vectors are checked by a second reading of the spec, not by the code that made them.
// It carries its own strict CBOR decoder: the spec's "Decoding limits" are the contract, and a
// general-purpose CBOR library would bring its own leniencies and tag meanings.
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';

export type TrustedKey = {
  kidHex: string;
  publicKeyHex: string;
  state: 'next' | 'active' | 'retired' | 'revoked';
  validFrom: number;
  // The vector file writes an unset window end as null or leaves it out.
  validUntil?: number | null;
};
/** What a verifier holds from the feed (docs/revocation-feed.md): revoked window indices of one (window, epoch). */
export type Revocation = { window: number; epoch: number; indices: number[] };
export type VerifyContext = {
  trustedKeys: TrustedKey[];
  revocations: Revocation[];
  now: number;
  skewSeconds?: number;
  /** The trust list's maxTokenLifetime, if it states one (docs/trust-list.md). */
  maxTokenLifetime?: number;
};
export type Color = 'green' | 'yellow' | 'red';
export type Claims = {
  iss: string;
  exp: number;
  iat: number;
  color: Color;
  nbf?: number;
  statusEnds?: number;
  maskedName?: string;
  birthYear?: number;
  windowIndex: number;
  revocationEpoch?: number;
};
export type Verdict = { valid: true; claims: Claims } | { valid: false; reason: string };

const PREFIX = 'TC1:';
const MAX_TEXT = 1000; // UTF-16 code units, i.e. JavaScript string length
const DEFAULT_SKEW = 300;

// ---------------------------------------------------------------------------------------------
// Base45, RFC 9285 §4, strict: reject length ≡ 1 (mod 3), foreign characters, and overflow.
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
      // n = c + d*45 + e*45^2 must fit in 16 bits ("a triplet above 65535").
      const n = values[i]! + values[i + 1]! * 45 + values[i + 2]! * 2025;
      if (n > 0xffff) return null;
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      // A final pair encodes one byte: c + d*45 must fit in 8 bits ("pair above 255").
      const n = values[i]! + values[i + 1]! * 45;
      if (n > 0xff) return null;
      out[o++] = n;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Strict CBOR decoder under the spec's "Decoding limits". Values: integers as numbers, byte
// strings as Uint8Array (copies of the received bytes), text as string, arrays, Maps (keys are
// numbers or strings), false/true/null, and Tagged for any tag. Everything else is a CborError.

export class CborError extends Error {}

/** A tagged item. Only the outer 18 is ever valid; elsewhere it fails the type check of its place. */
export class Tagged {
  readonly tag: number;
  readonly value: unknown;
  constructor(tag: number, value: unknown) {
    this.tag = tag;
    this.value = value;
  }
}

export type Limits = { maxDepth: number; maxItems: number };

// "deepest container nesting | data items", one row per decode.
export const OUTER_LIMITS: Limits = { maxDepth: 3, maxItems: 16 };
export const PROTECTED_LIMITS: Limits = { maxDepth: 3, maxItems: 16 };
export const CLAIMS_LIMITS: Limits = { maxDepth: 1, maxItems: 21 };

const MAX_ARGUMENT = 2n ** 53n - 1n; // "integer arguments above 2^53 − 1 (also for tag numbers)"
const MAX_STRING = 1000; // "strings longer than the input or than 1000 bytes"
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeCbor(bytes: Uint8Array, limits: Limits): unknown {
  let pos = 0;
  let items = 0;

  const remaining = (): number => bytes.length - pos;
  // Reads the argument of a head; additional information 28–30 (reserved) and 31 (indefinite
  // length, or the break code) are refused here for every major type.
  const readArg = (ai: number): number => {
    if (ai < 24) return ai;
    if (ai > 27) throw new CborError(ai === 31 ? 'indefinite length or break' : 'reserved additional information');
    const size = 1 << (ai - 24);
    if (remaining() < size) throw new CborError('truncated');
    let v = 0n;
    for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(bytes[pos++]!);
    if (v > MAX_ARGUMENT) throw new CborError('argument above 2^53 - 1');
    return Number(v);
  };

  // Counting rule: every data item counts once (tags included); the top item is at depth 0 and
  // each tag, array or map opens one level, so a container at depth d reaches nesting d + 1.
  const item = (depth: number): unknown => {
    if (++items > limits.maxItems) throw new CborError('too many items');
    if (remaining() < 1) throw new CborError('truncated');
    const ib = bytes[pos++]!;
    const major = ib >> 5;
    const ai = ib & 0x1f;
    if (major === 7) {
      // Only false, true and null. Floats (25–27), the two-byte simple form (24), undefined
      // and the other simple values, reserved codes and the break code are all refused.
      if (ai === 20) return false;
      if (ai === 21) return true;
      if (ai === 22) return null;
      throw new CborError(ai >= 25 && ai <= 27 ? 'float' : 'simple value');
    }
    const arg = readArg(ai);
    switch (major) {
      case 0:
        return arg;
      case 1:
        return -1 - arg;
      case 2:
      case 3: {
        if (arg > MAX_STRING) throw new CborError('string longer than 1000 bytes');
        if (arg > remaining()) throw new CborError('string longer than the input');
        const raw = bytes.slice(pos, pos + arg);
        pos += arg;
        if (major === 2) return raw;
        try {
          return utf8.decode(raw);
        } catch {
          throw new CborError('invalid UTF-8');
        }
      }
      case 4:
      case 5: {
        if (depth + 1 > limits.maxDepth) throw new CborError('nested too deep');
        const count = major === 4 ? arg : arg * 2;
        // Refuse impossible counts before looping or allocating.
        if (items + count > limits.maxItems) throw new CborError('too many items');
        if (major === 4) {
          const out: unknown[] = [];
          for (let i = 0; i < arg; i++) out.push(item(depth + 1));
          return out;
        }
        const out = new Map<number | string, unknown>();
        for (let i = 0; i < arg; i++) {
          const key = item(depth + 1);
          // Keys must be integers or text (a tagged key is neither), unique by value, so
          // 01 and 18 01 are the same key.
          if (typeof key !== 'number' && typeof key !== 'string') throw new CborError('map key type');
          if (out.has(key)) throw new CborError('duplicate map key');
          out.set(key, item(depth + 1));
        }
        return out;
      }
      default: {
        // major 6: a tag; its number was bounded like any argument.
        if (depth + 1 > limits.maxDepth) throw new CborError('nested too deep');
        return new Tagged(arg, item(depth + 1));
      }
    }
  };

  const root = item(0);
  if (pos !== bytes.length) throw new CborError('trailing bytes');
  return root;
}

const tryDecode = (bytes: Uint8Array, limits: Limits): { value: unknown } | null => {
  try {
    return { value: decodeCbor(bytes, limits) };
  } catch (e) {
    if (e instanceof CborError) return null;
    throw e;
  }
};

// ---------------------------------------------------------------------------------------------
// Claims (CWT, RFC 8392, integer labels), per the spec's claims table.
// Label 2 (sub) is not among them: version 2 tokens carry a window index instead (docs/token-format.md "Claims").
const KNOWN_LABELS = new Set<number | string>([1, 4, 5, 6, -65537, -65538, -65539, -65540, -65541, -65542]);
const COLORS: readonly Color[] = ['green', 'yellow', 'red'];

// A tagged value is a Tagged object, so it fails every one of these checks.
const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const utf8Length = (s: string): number => new TextEncoder().encode(s).length;
// "Text lengths are counted in UTF-8 bytes."
const isText = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && utf8Length(v) >= min && utf8Length(v) <= max;

/** Check 11: decodes (11a, `bad_cbor`) and type-checks (11b, `bad_claims`) the claims bytes. */
export function decodeClaims(payload: Uint8Array): Claims | 'bad_cbor' | 'bad_claims' {
  const decoded = tryDecode(payload, CLAIMS_LIMITS);
  if (decoded === null) return 'bad_cbor';
  const map = decoded.value;
  if (!(map instanceof Map)) return 'bad_claims';
  for (const key of map.keys()) if (!KNOWN_LABELS.has(key)) return 'bad_claims';
  const iss: unknown = map.get(1);
  const exp: unknown = map.get(4);
  const iat: unknown = map.get(6);
  const colour: unknown = map.get(-65537);
  const windowIndex: unknown = map.get(-65541);
  if (!isText(iss, 1, 16) || !isUint(exp) || !isUint(iat)) return 'bad_claims';
  // "window index: uint < 2^32, required".
  if (!isUint(windowIndex) || windowIndex >= 2 ** 32) return 'bad_claims';
  if (!isUint(colour) || colour > 2) return 'bad_claims';
  if (!(exp > iat)) return 'bad_claims';
  const claims: Claims = { iss, exp, iat, color: COLORS[colour]!, windowIndex };
  if (map.has(5)) {
    const nbf: unknown = map.get(5);
    if (!isUint(nbf)) return 'bad_claims';
    claims.nbf = nbf;
  }
  if (map.has(-65538)) {
    const statusEnds: unknown = map.get(-65538);
    if (!isUint(statusEnds)) return 'bad_claims';
    claims.statusEnds = statusEnds;
  }
  if (map.has(-65539)) {
    const name: unknown = map.get(-65539);
    if (!isText(name, 0, 48)) return 'bad_claims';
    claims.maskedName = name;
  }
  if (map.has(-65540)) {
    // "birth year: uint, 1900-2999" (docs/token-format.md "Claims").
    const year: unknown = map.get(-65540);
    if (!isUint(year) || year < 1900 || year > 2999) return 'bad_claims';
    claims.birthYear = year;
  }
  if (map.has(-65542)) {
    // "revocation epoch: uint 1-15; 0 is never written" (absent means 0).
    const epoch: unknown = map.get(-65542);
    if (!isUint(epoch) || epoch < 1 || epoch > 15) return 'bad_claims';
    claims.revocationEpoch = epoch;
  }
  return claims;
}

// ---------------------------------------------------------------------------------------------
// The keys a verifier holds: kids are recomputed from the public keys, one key per kid.

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** kid = the first 8 bytes of SHA-256 over the 32-byte raw Ed25519 public key. */
export function kidOf(publicKey: Uint8Array): string {
  return toHex(createHash('sha256').update(publicKey).digest().subarray(0, 8));
}

const STATES = new Set(['next', 'active', 'retired', 'revoked']);

/** Loads a trust list's keys by kid, refusing the whole list on a kid mismatch or a repeated kid. */
export function loadTrustedKeys(keys: readonly TrustedKey[]): Map<string, TrustedKey> {
  const byKid = new Map<string, TrustedKey>();
  for (const key of keys) {
    const raw = Buffer.from(key.publicKeyHex, 'hex');
    if (raw.length !== 32 || toHex(raw) !== key.publicKeyHex.toLowerCase()) {
      throw new TypeError(`trust list refused: ${key.kidHex} is not a 32-byte Ed25519 key`);
    }
    const kid = kidOf(raw);
    if (kid !== key.kidHex.toLowerCase()) throw new TypeError(`trust list refused: kid ${key.kidHex} != ${kid}`);
    if (byKid.has(kid)) throw new TypeError(`trust list refused: two keys with kid ${kid}`);
    if (!STATES.has(key.state)) throw new TypeError(`trust list refused: state ${String(key.state)}`);
    byKid.set(kid, key);
  }
  return byKid;
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
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKeyHex, 'hex').toString('base64url') },
    format: 'jwk',
  });
  // RFC 8032 §5.1.7, pure Ed25519: no prehash, so the algorithm argument is null.
  return cryptoVerify(null, data, key, signature);
}

const fail = (reason: string): Verdict => ({ valid: false, reason });

/** Verifies "TC1:" QR text, running the spec's checks 1–15 in order and stopping at the first failure. */
export function verifyIndependently(qrText: string, ctx: VerifyContext): Verdict {
  const keys = loadTrustedKeys(ctx.trustedKeys);

  // 1–2. Size (UTF-16 code units) before anything else, then the exact, case-sensitive prefix.
  if (qrText.length > MAX_TEXT) return fail('input_too_large');
  if (!qrText.startsWith(PREFIX)) return fail('malformed_prefix');

  // 3. Base45. "TC1:" alone gives zero bytes, which check 4 refuses.
  const token = base45Decode(qrText.slice(PREFIX.length));
  if (token === null) return fail('bad_base45');

  // 4. The outer structure, then the protected header, each within its own limits. The protected
  // header is the first element of the array under the outer tag 18 when that element is an
  // (untagged) byte string; a zero-length one is the empty map (RFC 9052 §3) and is not decoded.
  const outer = tryDecode(token, OUTER_LIMITS);
  if (outer === null) return fail('bad_cbor');
  const root = outer.value;
  const body = root instanceof Tagged && root.tag === 18 ? root.value : undefined;
  const first: unknown = Array.isArray(body) ? body[0] : undefined;
  let protectedValue: unknown = new Map();
  if (first instanceof Uint8Array && first.length > 0) {
    const decoded = tryDecode(first, PROTECTED_LIMITS);
    if (decoded === null) return fail('bad_cbor');
    protectedValue = decoded.value;
  }

  // 5. Tag 18 around [bstr, map, bstr, bstr], none of them tagged; the protected bstr holds a map.
  if (!Array.isArray(body) || body.length !== 4) return fail('not_cose_sign1');
  const [protectedBytes, unprotected, payload, signature] = body as unknown[];
  if (!(protectedBytes instanceof Uint8Array) || !(unprotected instanceof Map)) return fail('not_cose_sign1');
  if (!(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) return fail('not_cose_sign1');
  if (!(protectedValue instanceof Map)) return fail('not_cose_sign1');
  const protectedMap = protectedValue;

  // 6. alg only from the protected header, and only EdDSA (-8); alg/kid never unprotected.
  if (protectedMap.get(1) !== -8) return fail('unsupported_alg');
  if (unprotected.has(1) || unprotected.has(4)) return fail('unsupported_alg');

  // 7. Protected header exactly {1, 4}, kid an 8-byte bstr, unprotected header empty.
  const kid: unknown = protectedMap.get(4);
  if (protectedMap.size !== 2 || !protectedMap.has(4)) return fail('bad_header');
  if (!(kid instanceof Uint8Array) || kid.length !== 8) return fail('bad_header');
  if (unprotected.size !== 0) return fail('bad_header');

  // 8–9. Trust list lookup, then key state.
  const key = keys.get(toHex(kid));
  if (key === undefined) return fail('unknown_kid');
  if (key.state === 'revoked') return fail('key_revoked');

  // 10. Ed25519 over the Sig_structure built from the bytes exactly as received.
  if (signature.length !== 64) return fail('bad_signature');
  if (!ed25519Verify(key.publicKeyHex, sigStructure(protectedBytes, payload), signature)) {
    return fail('bad_signature');
  }

  // 11a/11b. Claims, decoded only after the signature holds.
  const claims = decodeClaims(payload);
  if (typeof claims === 'string') return fail(claims);

  // 12. The key's window must contain iat: validFrom ≤ iat < validUntil (if set).
  if (claims.iat < key.validFrom) return fail('key_not_valid_at_iat');
  if (key.validUntil !== undefined && key.validUntil !== null && !(claims.iat < key.validUntil)) {
    return fail('key_not_valid_at_iat');
  }

  // 12b. The lifetime cap: a token valid for longer than the trust list allows is refused.
  if (ctx.maxTokenLifetime !== undefined && claims.exp - claims.iat > ctx.maxTokenLifetime) return fail('lifetime_too_long');

  // 13–14. Time, with the skew allowance on both sides.
  const skew = ctx.skewSeconds ?? DEFAULT_SKEW;
  if (!(ctx.now + skew >= Math.max(claims.iat, claims.nbf ?? claims.iat))) return fail('not_yet_valid');
  if (!(ctx.now - skew < claims.exp)) return fail('expired');

  // 15. Revocation: the token's window is floor(iat / 21600); it is revoked when the feed's set
  // for (that window, its epoch, 0 when absent) holds its window index.
  const window = Math.floor(claims.iat / 21600);
  const epoch = claims.revocationEpoch ?? 0;
  if (ctx.revocations.some((r) => r.window === window && r.epoch === epoch && r.indices.includes(claims.windowIndex))) {
    return fail('token_revoked');
  }
  return { valid: true, claims };
}
