// The root-signed trust list (docs/trust-list.md): which signing keys verifiers may trust, in
// which state and for which signing window. Signed offline by the root key; verifiers pin the
// root public key and accept nothing else.

import { bytesEqual, toHex } from './bytes.ts';
import { CborError, type CborLimits, type CborValue, decodeCbor, encodeCbor } from './cbor.ts';
import { signTypedDocument } from './cose.ts';
import type { Ed25519Backend } from './ed25519.ts';
import type { DocumentReasonCode, ReasonCode } from './reasons.ts';
import { parseTypedDocument, verifySign1Signature } from './sign1.ts';
import { computeKid, KEY_STATES, KID_LENGTH, type Signer, type TrustedKey } from './signing-keys.ts';

export const TRUST_LIST_CONTENT_TYPE = 'application/vnd.tricolor.trust-list+cbor';
export const MAX_TRUST_LIST_BYTES = 16 * 1024;
export const MAX_TRUST_LIST_KEYS = 64;
const LIMITS: CborLimits = { maxDepth: 5, maxItems: 16 + MAX_TRUST_LIST_KEYS * 12, maxStringBytes: MAX_TRUST_LIST_BYTES };

const L = { version: 1, issuedAt: 2, nextUpdate: 3, issuer: 4, keys: 5, maxTokenLifetime: 6 } as const;
const K = { kid: 1, publicKey: 2, state: 3, validFrom: 4, validUntil: 5 } as const;

export interface TrustList {
  /** Only ever grows; a verifier refuses a lower one (rollback). */
  version: number;
  issuedAt: number;
  /** When verifiers should refresh; past it they keep the list but show its age. */
  nextUpdate: number;
  issuer: string;
  keys: readonly TrustedKey[];
  /**
   * The longest token lifetime (exp - iat, seconds) the issuer promises; verifiers refuse a token
   * that claims more (`lifetime_too_long`). Optional so lists published before it still decode.
   */
  maxTokenLifetime?: number;
}

export type TrustListReason = Extract<
  ReasonCode | DocumentReasonCode,
  | 'input_too_large'
  | 'bad_cbor'
  | 'not_cose_sign1'
  | 'unsupported_alg'
  | 'bad_header'
  | 'wrong_root'
  | 'bad_signature'
  | 'bad_format'
  | 'rollback'
  | 'unrevoked_key'
>;

export type TrustListResult = { ok: true; list: TrustList } | { ok: false; reason: TrustListReason; detail: string };

export function encodeTrustListPayload(list: TrustList): Uint8Array {
  const problem = trustListProblem(list);
  if (problem) throw new TypeError(`invalid trust list: ${problem}`);
  const keys = list.keys.map((k) => {
    const m = new Map<number, CborValue>([
      [K.kid, k.kid],
      [K.publicKey, k.publicKey],
      [K.state, KEY_STATES.indexOf(k.state)],
      [K.validFrom, k.validFrom],
    ]);
    if (k.validUntil !== undefined) m.set(K.validUntil, k.validUntil);
    return m;
  });
  return encodeCbor(
    new Map<number, CborValue>([
      [L.version, list.version],
      [L.issuedAt, list.issuedAt],
      [L.nextUpdate, list.nextUpdate],
      [L.issuer, list.issuer],
      [L.keys, keys],
      ...(list.maxTokenLifetime === undefined ? [] : [[L.maxTokenLifetime, list.maxTokenLifetime] as [number, CborValue]]),
    ]),
  );
}

export async function signTrustList(list: TrustList, root: Signer): Promise<Uint8Array> {
  for (const key of list.keys) {
    if (!bytesEqual(key.kid, await computeKid(key.publicKey))) throw new TypeError(`kid ${toHex(key.kid)} does not match its public key`);
  }
  return signTypedDocument(TRUST_LIST_CONTENT_TYPE, encodeTrustListPayload(list), root);
}

export interface TrustListCheck {
  /** The pinned root public key (32 bytes), from the build, never from the network. */
  rootPublicKey: Uint8Array;
  /** The version of the last good list; a lower version is a rollback. */
  minimumVersion?: number;
  /**
   * Hex kids this verifier has ever seen revoked. Revocation is one-way: a list that carries one
   * of them in any other state is refused (`unrevoked_key`), however new and well signed.
   */
  revokedKids?: ReadonlySet<string>;
  backend?: Ed25519Backend;
}

export async function verifyTrustList(bytes: Uint8Array, check: TrustListCheck): Promise<TrustListResult> {
  try {
    if (bytes.length > MAX_TRUST_LIST_BYTES) return { ok: false, reason: 'input_too_large', detail: `${bytes.length} bytes` };
    const doc = parseTypedDocument(bytes, LIMITS, TRUST_LIST_CONTENT_TYPE);
    if (!doc.ok) return doc as TrustListResult;
    const { parsed } = doc;
    const rootKid = await computeKid(check.rootPublicKey);
    if (!bytesEqual(doc.kid, rootKid))
      return { ok: false, reason: 'wrong_root', detail: `signed by ${toHex(doc.kid)}, not the pinned root ${toHex(rootKid)}` };
    const root: TrustedKey = { kid: rootKid, publicKey: check.rootPublicKey, state: 'active', validFrom: 0 };
    if (!(await verifySign1Signature(parsed, root, check.backend)))
      return { ok: false, reason: 'bad_signature', detail: 'root signature does not verify' };
    const decoded = await decodeTrustListPayload(parsed.payload);
    if (!decoded.ok) return decoded;
    if (check.minimumVersion !== undefined && decoded.list.version < check.minimumVersion) {
      return { ok: false, reason: 'rollback', detail: `version ${decoded.list.version} is older than the cached ${check.minimumVersion}` };
    }
    for (const key of decoded.list.keys) {
      const hex = toHex(key.kid);
      if (key.state !== 'revoked' && check.revokedKids?.has(hex))
        return { ok: false, reason: 'unrevoked_key', detail: `key ${hex} was revoked before and is now ${key.state}` };
    }
    return decoded;
  } catch (e) {
    return { ok: false, reason: 'bad_format', detail: `unexpected: ${e instanceof Error ? e.name : 'error'}` };
  }
}

async function decodeTrustListPayload(payload: Uint8Array): Promise<TrustListResult> {
  let map: CborValue;
  try {
    map = decodeCbor(payload, LIMITS);
  } catch (e) {
    return { ok: false, reason: 'bad_cbor', detail: e instanceof CborError ? e.message : 'undecodable' };
  }
  const bad = (detail: string): TrustListResult => ({ ok: false, reason: 'bad_format', detail });
  if (!(map instanceof Map)) return bad('payload must be a map');
  const rawKeys = map.get(L.keys);
  if (!Array.isArray(rawKeys)) return bad('keys (5) must be an array');
  const keys: TrustedKey[] = [];
  for (const raw of rawKeys) {
    if (!(raw instanceof Map)) return bad('each key must be a map');
    const stateIndex = raw.get(K.state);
    const key: TrustedKey = {
      kid: raw.get(K.kid) as Uint8Array,
      publicKey: raw.get(K.publicKey) as Uint8Array,
      state: KEY_STATES[typeof stateIndex === 'number' ? stateIndex : -1]!,
      validFrom: raw.get(K.validFrom) as number,
    };
    if (raw.has(K.validUntil)) key.validUntil = raw.get(K.validUntil) as number;
    keys.push(Object.freeze(key));
  }
  const list: TrustList = {
    version: map.get(L.version) as number,
    issuedAt: map.get(L.issuedAt) as number,
    nextUpdate: map.get(L.nextUpdate) as number,
    issuer: map.get(L.issuer) as string,
    keys: Object.freeze(keys),
  };
  if (map.has(L.maxTokenLifetime)) list.maxTokenLifetime = map.get(L.maxTokenLifetime) as number;
  const problem = trustListProblem(list);
  if (problem) return bad(problem);
  for (const key of keys) {
    if (!bytesEqual(key.kid, await computeKid(key.publicKey))) return bad(`kid ${toHex(key.kid)} does not match its public key`);
  }
  return { ok: true, list: Object.freeze(list) };
}

export function trustListProblem(list: TrustList): string | undefined {
  if (!isUint(list.version) || list.version < 1) return 'version must be a positive integer';
  if (!isUint(list.issuedAt)) return 'issuedAt must be NumericDate';
  if (!isUint(list.nextUpdate) || list.nextUpdate <= list.issuedAt) return 'nextUpdate must be after issuedAt';
  if (typeof list.issuer !== 'string' || list.issuer.length === 0 || list.issuer.length > 16) return 'issuer must be 1-16 characters';
  if (list.maxTokenLifetime !== undefined && (!isUint(list.maxTokenLifetime) || list.maxTokenLifetime === 0))
    return 'maxTokenLifetime must be a positive number of seconds';
  if (list.keys.length > MAX_TRUST_LIST_KEYS) return `at most ${MAX_TRUST_LIST_KEYS} keys`;
  const seen = new Set<string>();
  let active = 0;
  for (const k of list.keys) {
    if (!(k.kid instanceof Uint8Array) || k.kid.length !== KID_LENGTH) return `kid must be ${KID_LENGTH} bytes`;
    if (!(k.publicKey instanceof Uint8Array) || k.publicKey.length !== 32) return 'public key must be 32 bytes';
    if (!KEY_STATES.includes(k.state)) return 'state must be next, active, retired or revoked';
    if (!isUint(k.validFrom)) return 'validFrom must be NumericDate';
    if (k.validUntil !== undefined && (!isUint(k.validUntil) || k.validUntil <= k.validFrom)) return 'validUntil must be after validFrom';
    const hex = toHex(k.kid);
    if (seen.has(hex)) return `duplicate kid ${hex}`;
    seen.add(hex);
    if (k.state === 'active') active++;
  }
  if (active > 1) return 'at most one key may be active';
  return undefined;
}

export interface TrustListHealth {
  /** Seconds since the list was issued, by this device's clock. */
  ageSeconds: number;
  /** Past nextUpdate: keep verifying with it, but say so. */
  pastNextUpdate: boolean;
  /** Past the operator's hard limit (docs/operations.md): warn on every verdict. */
  tooOld: boolean;
  /** The list claims to be issued this far in this device's future: the device clock is behind. */
  clockBehindSeconds: number;
}

/** How much to trust the device clock and the list's age; pure, the clock is passed in. */
export function assessTrustList(list: TrustList, now: number, maxAgeSeconds: number, skewSeconds = 300): TrustListHealth {
  const ageSeconds = now - list.issuedAt;
  return {
    ageSeconds,
    pastNextUpdate: now > list.nextUpdate,
    tooOld: ageSeconds > maxAgeSeconds,
    clockBehindSeconds: ageSeconds < -skewSeconds ? -ageSeconds : 0,
  };
}

/** Hex kids of the keys a list revokes: what a verifier adds to the set it never forgets. */
export function revokedKidsOf(list: TrustList): string[] {
  return list.keys.filter((k) => k.state === 'revoked').map((k) => toHex(k.kid));
}

/**
 * The list's keys with every kid this verifier has seen revoked forced to `revoked`: belt and
 * braces with `unrevoked_key`, so a held list can never vouch for a key revoked since.
 */
export function withRevokedKids(keys: readonly TrustedKey[], revokedKids: ReadonlySet<string>): readonly TrustedKey[] {
  if (!keys.some((k) => k.state !== 'revoked' && revokedKids.has(toHex(k.kid)))) return keys;
  return keys.map((k) => (k.state !== 'revoked' && revokedKids.has(toHex(k.kid)) ? Object.freeze({ ...k, state: 'revoked' as const }) : k));
}

function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
