// Turning the keystore state into the next trust list (docs/trust-list.md), purely:
// prune expired retired keys, close the window of the key the Worker signed with until this
// publication, build the TrustList, and record the publication afterwards.

import { fromBase64Url, fromHex, type TrustedKey, type TrustList } from '../../src/index.ts';
import type { KeystoreState, SigningKeyRecord } from '../keystore/state.ts';

export const DEFAULT_NEXT_UPDATE_SECONDS = 24 * 3600;
/**
 * How long after a publication the key it retires may still have signed: a Worker isolate keeps
 * its verified trust list for up to 30 s (worker/config.ts trustListCacheSeconds), so one that
 * has not reloaded yet still signs with the old key. Twice that, to be safe.
 */
export const RETIREMENT_GRACE_SECONDS = 60;

/**
 * Drops retired keys none of whose tokens can still be live: validUntil + the longest token
 * lifetime has passed (docs/trust-list.md). Revoked keys stay listed so verifiers report
 * `key_revoked` rather than `unknown_kid`.
 */
export function pruneExpiredKeys(state: KeystoreState, now: number): { state: KeystoreState; pruned: string[] } {
  const expired = (k: SigningKeyRecord) =>
    k.state === 'retired' && k.validUntil !== undefined && k.validUntil + state.maxTokenLifetimeSeconds < now;
  const pruned = state.keys.filter(expired).map((k) => k.kid);
  return { state: { ...state, keys: state.keys.filter((k) => !expired(k)) }, pruned };
}

/**
 * The key that was active in the last installed list kept signing until this list replaces it
 * (plus the Worker's cache time), so its window must stay open that long: otherwise tokens it
 * signed between `keys rotate` and `keys publish` would fail with key_not_valid_at_iat.
 */
export function closeRetiredWindows(state: KeystoreState, now: number, graceSeconds = RETIREMENT_GRACE_SECONDS): KeystoreState {
  const signedUntilNow = state.published?.activeKid;
  const end = now + graceSeconds;
  const keys = state.keys.map(
    (k): SigningKeyRecord =>
      k.kid === signedUntilNow && k.state === 'retired' && k.validUntil !== undefined && k.validUntil < end ? { ...k, validUntil: end } : k,
  );
  return { ...state, keys };
}

export function buildTrustList(state: KeystoreState, version: number, now: number, nextUpdateSeconds: number): TrustList {
  const keys = state.keys.map((k): TrustedKey => {
    const key: TrustedKey = { kid: fromHex(k.kid), publicKey: fromBase64Url(k.publicKey), state: k.state, validFrom: k.validFrom };
    if (k.validUntil !== undefined) key.validUntil = k.validUntil;
    return key;
  });
  // The lifetime cap lets verifiers refuse a token minted to outlive its revocation entries.
  return {
    version,
    issuedAt: now,
    nextUpdate: now + nextUpdateSeconds,
    issuer: state.issuer,
    keys,
    maxTokenLifetime: state.maxTokenLifetimeSeconds,
  };
}

/** Kids whose seeds the Worker holds in SIGNING_KEYS: only next and active (architecture.md). */
export function workerSecretKids(state: KeystoreState): string[] {
  return state.keys.filter((k) => k.state === 'next' || k.state === 'active').map((k) => k.kid);
}

export function activeKid(state: KeystoreState): string | undefined {
  return state.keys.find((k) => k.state === 'active')?.kid;
}

export function recordPublication(state: KeystoreState, list: TrustList, target: 'local' | 'remote'): KeystoreState {
  const active = activeKid(state);
  return {
    ...state,
    keys: state.keys.map((k) => (k.firstPublishedAt === undefined ? { ...k, firstPublishedAt: list.issuedAt } : k)),
    published: {
      version: list.version,
      issuedAt: list.issuedAt,
      nextUpdate: list.nextUpdate,
      target,
      ...(active ? { activeKid: active } : {}),
    },
  };
}
