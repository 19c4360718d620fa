// The steps every Tricolor COSE_Sign1 shares (token, trust list, revocation feed): header checks,
// key lookup, the key's signing window and the Ed25519 signature over the bytes as received.

import { toHex } from './bytes.ts';
import type { CborLimits } from './cbor.ts';
import { ALG_EDDSA, CoseError, HEADER_ALG, HEADER_CONTENT_TYPE, HEADER_KID, type ParsedSign1, parseSign1, sigStructure } from './cose.ts';
import { defaultEd25519Backend, type Ed25519Backend, type PreparedPublicKey } from './ed25519.ts';
import type { ReasonCode } from './reasons.ts';
import { KID_LENGTH, type TrustedKey } from './signing-keys.ts';

type Failure = { ok: false; reason: ReasonCode; detail: string };

/**
 * The protected header must be exactly {1: -8, 4: kid} (plus {3: contentType} when one is
 * expected) and the unprotected header empty: alg is only trusted when it is signed
 * (RFC 9052 §3.1), and nothing outside the signature may steer verification.
 */
export function checkSign1Header(parsed: ParsedSign1, contentType: string | undefined): { ok: true; kid: Uint8Array } | Failure {
  const { protectedHeader: p, unprotectedHeader: u } = parsed;
  if (u.has(HEADER_ALG) || u.has(HEADER_KID))
    return { ok: false, reason: 'unsupported_alg', detail: 'alg and kid must only appear in the protected header' };
  if (u.size > 0) return { ok: false, reason: 'bad_header', detail: 'unprotected header must be empty' };
  const alg = p.get(HEADER_ALG);
  if (alg === undefined) return { ok: false, reason: 'unsupported_alg', detail: 'alg is not in the protected header' };
  if (alg !== ALG_EDDSA) return { ok: false, reason: 'unsupported_alg', detail: `alg ${String(alg)} is not EdDSA (-8)` };
  const kid = p.get(HEADER_KID);
  if (!(kid instanceof Uint8Array) || kid.length !== KID_LENGTH)
    return { ok: false, reason: 'bad_header', detail: `kid must be a ${KID_LENGTH}-byte string` };
  const expectedSize = contentType === undefined ? 2 : 3;
  if (contentType !== undefined && p.get(HEADER_CONTENT_TYPE) !== contentType) {
    return { ok: false, reason: 'bad_header', detail: `content type must be ${contentType}` };
  }
  if (p.size !== expectedSize) return { ok: false, reason: 'bad_header', detail: 'unexpected protected header parameters' };
  return { ok: true, kid };
}

const indexCache = new WeakMap<readonly TrustedKey[], Map<string, TrustedKey>>();

export function lookupKey(keys: readonly TrustedKey[], kid: Uint8Array): { ok: true; key: TrustedKey } | Failure {
  let index = indexCache.get(keys);
  if (!index) {
    index = new Map();
    for (const key of keys) {
      const hex = toHex(key.kid);
      if (!index.has(hex)) index.set(hex, key);
    }
    indexCache.set(keys, index);
  }
  const key = index.get(toHex(kid));
  if (!key) return { ok: false, reason: 'unknown_kid', detail: `no trusted key with kid ${toHex(kid)}` };
  if (key.state === 'revoked') return { ok: false, reason: 'key_revoked', detail: `key ${toHex(kid)} is revoked` };
  return { ok: true, key };
}

/** Parses a typed document (trust list, feed) and checks its header: the shared first steps. */
export function parseTypedDocument(
  bytes: Uint8Array,
  limits: CborLimits,
  contentType: string,
): { ok: true; parsed: ParsedSign1; kid: Uint8Array } | Failure {
  let parsed: ParsedSign1;
  try {
    parsed = parseSign1(bytes, limits);
  } catch (e) {
    if (e instanceof CoseError) return { ok: false, reason: e.kind, detail: e.message };
    throw e;
  }
  const header = checkSign1Header(parsed, contentType);
  return header.ok ? { ok: true, parsed, kid: header.kid } : header;
}

/** A key vouches only for what it signed inside its window (docs/trust-list.md). */
export function keyWindowContains(key: TrustedKey, time: number): boolean {
  return time >= key.validFrom && (key.validUntil === undefined || time < key.validUntil);
}

/** Verifies the Ed25519 signature over the Sig_structure of the received bytes. */
export async function verifySign1Signature(parsed: ParsedSign1, key: TrustedKey, backend?: Ed25519Backend): Promise<boolean> {
  const ed = backend ?? (await defaultEd25519Backend());
  let prepared: PreparedPublicKey;
  try {
    prepared = await preparedKey(ed, key);
  } catch {
    return false; // a trusted key that is not a valid point can vouch for nothing
  }
  return ed.verify(prepared, sigStructure(parsed.protectedBytes, parsed.payload), parsed.signature);
}

const preparedCache = new Map<string, WeakMap<TrustedKey, Promise<PreparedPublicKey>>>();

/** Imports each trusted key once per backend; the hot path then only verifies. */
export function preparedKey(backend: Ed25519Backend, key: TrustedKey): Promise<PreparedPublicKey> {
  let byKey = preparedCache.get(backend.name);
  if (!byKey) {
    byKey = new WeakMap();
    preparedCache.set(backend.name, byKey);
  }
  let prepared = byKey.get(key);
  if (!prepared) {
    prepared = backend.importPublicKey(key.publicKey);
    byKey.set(key, prepared);
    prepared.catch(() => byKey.delete(key));
  }
  return prepared;
}
