// The signing-key state machine (docs/trust-list.md "Key states"), as pure functions over the
// keystore state with the clock passed in:
//   signing new: (none) -> next          rotate: next -> active, active -> retired
//   revoke: any but revoked -> revoked   (a revoked active key is replaced by next at once)
// Impossible transitions throw a KeysError with a stable code.

import { KeysError } from './errors.ts';
import { findKey, type KeystoreState, keysInState, type SigningKeyRecord } from './keystore/state.ts';

export const MAX_REASON_LENGTH = 200;

export function addNextKey(state: KeystoreState, key: { kid: string; publicKey: string }, now: number): KeystoreState {
  const [existing] = keysInState(state, 'next');
  if (existing)
    throw new KeysError('next_exists', `key ${existing.kid} is already next; rotate it in or revoke it before creating another`);
  if (findKey(state, key.kid)) throw new KeysError('duplicate_kid', `kid ${key.kid} is already in the keystore`);
  const record: SigningKeyRecord = { kid: key.kid, publicKey: key.publicKey, state: 'next', validFrom: now, createdAt: now };
  return { ...state, keys: [...state.keys, record] };
}

export interface RotateOutcome {
  state: KeystoreState;
  activated: string;
  retired?: string;
}

/**
 * Promotes next to active and retires the old active key (its window closes now). Unless
 * `immediate`, the next key must already have been published, so that verifiers that synced
 * before the rotation accept the new key's tokens from the first one (docs/operations.md, planned rotation).
 */
export function rotateKeys(state: KeystoreState, now: number, options: { immediate?: boolean } = {}): RotateOutcome {
  const [next] = keysInState(state, 'next');
  if (!next) throw new KeysError('no_next_key', 'there is no next key to rotate in; run `keys signing new` and `keys publish` first');
  if (!options.immediate && state.published && next.firstPublishedAt === undefined) {
    throw new KeysError(
      'next_not_published',
      `next key ${next.kid} has not been published yet, so verifiers do not know it; run \`keys publish\` first (or pass --immediate when responding to a compromise)`,
    );
  }
  const [active] = keysInState(state, 'active');
  const keys = state.keys.map((k): SigningKeyRecord => {
    if (k === next) return { ...k, state: 'active' };
    if (k === active) return { ...k, state: 'retired', validUntil: Math.max(now, k.validFrom + 1), retiredAt: now };
    return k;
  });
  return { state: { ...state, keys }, activated: next.kid, ...(active ? { retired: active.kid } : {}) };
}

export interface RevokeOutcome {
  state: KeystoreState;
  revoked: string;
  wasActive: boolean;
  /** The next key promoted to active because the revoked key was the active one. */
  promoted?: string;
}

/** Revokes a key from any state; if it was active, the next key (if any) becomes active at once. */
export function revokeKey(state: KeystoreState, kid: string, reason: string, now: number): RevokeOutcome {
  const cleanReason = reason.trim();
  if (cleanReason.length === 0) throw new KeysError('reason_required', 'give the reason for the revocation with --reason');
  if (cleanReason.length > MAX_REASON_LENGTH || /[\r\n]/.test(cleanReason)) {
    throw new KeysError('bad_reason', `the reason must be one line of at most ${MAX_REASON_LENGTH} characters`);
  }
  const key = findKey(state, kid);
  if (!key) throw new KeysError('unknown_kid', `no signing key ${kid} in this keystore (see \`keys list\`)`);
  if (key.state === 'revoked') throw new KeysError('already_revoked', `key ${kid} is already revoked`);
  const wasActive = key.state === 'active';
  const [next] = wasActive ? keysInState(state, 'next') : [];
  const keys = state.keys.map((k): SigningKeyRecord => {
    if (k === key) return { ...k, state: 'revoked', revokedAt: now, revocationReason: cleanReason };
    if (k === next) return { ...k, state: 'active' };
    return k;
  });
  return { state: { ...state, keys }, revoked: kid, wasActive, ...(next ? { promoted: next.kid } : {}) };
}
