// Revocation is one-way (docs/operations.md "Publishing never undoes a revocation"): before a
// list is installed it is compared with the list the target has installed now. Pure; the
// refusals carry stable codes, and the recovery for each is in docs/operations.md.
//   keystore_outdated      the target has a publication this keystore never made: a keystore
//                          restored from a backup older than the last publication (or a copy)
//   older_than_installed   the new list is not issued after the installed one (clock behind)
//   revoked_key_dropped    a key the installed list revokes is missing from the new list
//   revoked_key_unrevoked  a key the installed list revokes is in another state in the new list

import { type TrustList, toBase64Url, toHex } from '../../src/index.ts';
import { KeysError } from '../errors.ts';
import type { KeystoreState, SigningKeyRecord } from '../keystore/state.ts';

const RECOVERY = 'see docs/operations.md "Keystore restored from an old backup"';

/** Refuses a keystore that is behind what the target has installed. */
export function assertKeystoreCurrent(state: KeystoreState, installed: TrustList | undefined): void {
  if (!installed) return;
  const last = state.published?.version ?? 0;
  if (installed.version > last) {
    throw new KeysError(
      'keystore_outdated',
      `the target has trust list v${installed.version}, but this keystore last published ${last ? `v${last}` : 'nothing'}: it was restored from an older backup or is another copy. Publishing from it could bring back revoked keys; use the newest keystore backup, or reconcile with --after-restore (${RECOVERY})`,
    );
  }
}

/** Refuses a list that would undo a revocation or go back in time, relative to the installed one. */
export function assertNoRevocationUndone(next: TrustList, installed: TrustList | undefined): void {
  if (!installed) return;
  if (next.issuedAt <= installed.issuedAt) {
    throw new KeysError(
      'older_than_installed',
      `the new list would be issued at ${next.issuedAt}, not after the installed v${installed.version} (${installed.issuedAt}): is this machine's clock behind?`,
    );
  }
  const nextByKid = new Map(next.keys.map((k) => [toHex(k.kid), k]));
  for (const key of installed.keys) {
    if (key.state !== 'revoked') continue;
    const kid = toHex(key.kid);
    const now = nextByKid.get(kid);
    if (!now)
      throw new KeysError(
        'revoked_key_dropped',
        `key ${kid} is revoked in the installed v${installed.version} but missing from the new list (${RECOVERY})`,
      );
    if (now.state !== 'revoked')
      throw new KeysError(
        'revoked_key_unrevoked',
        `key ${kid} is revoked in the installed v${installed.version} but ${now.state} in the new list: a revocation is never undone (${RECOVERY})`,
      );
  }
}

/**
 * For a keystore restored from an old backup: takes over what the installed list knows and the
 * keystore does not. Revoked keys become revoked here (added if unknown); a key the installed list
 * still trusts but this keystore has no record of, or holds in an earlier state, is retired now,
 * since its seed is gone with the newer keystore: its live tokens keep verifying until they
 * expire, and it signs nothing more.
 */
export function adoptInstalledRevocations(state: KeystoreState, installed: TrustList, now: number): KeystoreState {
  const keys = [...state.keys];
  for (const key of installed.keys) {
    const kid = toHex(key.kid);
    const index = keys.findIndex((k) => k.kid === kid);
    const known = index >= 0 ? keys[index]! : undefined;
    let adopted: SigningKeyRecord | undefined;
    if (key.state === 'revoked' && known?.state !== 'revoked') {
      adopted = {
        ...(known ?? baseRecord(key, kid, now)),
        state: 'revoked',
        revokedAt: now,
        revocationReason: `revoked in installed trust list v${installed.version}; adopted after a keystore restore`,
      };
    } else if (key.state === 'active' && known?.state === 'next') {
      // Rotated in after the backup was taken; its seed is still here.
      adopted = { ...known, state: 'active' };
    } else if (key.state === 'retired' && (!known || known.state === 'next' || known.state === 'active')) {
      adopted = { ...(known ?? baseRecord(key, kid, now)), state: 'retired', validUntil: key.validUntil ?? now, retiredAt: now };
    } else if (!known && (key.state === 'active' || key.state === 'next')) {
      adopted = { ...baseRecord(key, kid, now), state: 'retired', validUntil: Math.max(now, key.validFrom + 1), retiredAt: now };
    }
    if (!adopted) continue;
    if (index >= 0) keys[index] = adopted;
    else keys.push(adopted);
  }
  // From here on the keystore continues from the installed publication, whose active key is the
  // one the Worker signs with until the new list lands.
  const active = installed.keys.find((k) => k.state === 'active');
  const published = {
    version: installed.version,
    issuedAt: installed.issuedAt,
    nextUpdate: installed.nextUpdate,
    target: state.published?.target ?? 'remote',
    ...(active ? { activeKid: toHex(active.kid) } : {}),
  };
  return { ...state, keys, published };
}

function baseRecord(key: TrustList['keys'][number], kid: string, now: number): SigningKeyRecord {
  const validUntil = key.validUntil === undefined ? {} : { validUntil: key.validUntil };
  return {
    kid,
    publicKey: toBase64Url(key.publicKey),
    state: key.state,
    validFrom: key.validFrom,
    ...validUntil,
    createdAt: now,
    firstPublishedAt: now,
  };
}
