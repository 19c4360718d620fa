// `keys publish`: build the next trust list from the keystore, sign it with the root, verify it
// back exactly as a verifier would, hand it to a target (local D1 + .dev.vars, or a deployed
// Worker), then record the publication and drop seeds that will never sign again.

import {
  bytesEqual,
  createSigner,
  fromBase64Url,
  signTrustList,
  type TrustList,
  toBase64Url,
  toHex,
  verifyTrustList,
} from '../../src/index.ts';
import { KeysError } from '../errors.ts';
import { hasSeed, loadSeed, removeSigningSeed, saveState, type UnlockedKeystore } from '../keystore/keystore.ts';
import type { KeystoreState } from '../keystore/state.ts';
import type { Reporter } from '../progress.ts';
import { adoptInstalledRevocations, assertKeystoreCurrent, assertNoRevocationUndone } from './guard.ts';
import { activeKid, buildTrustList, closeRetiredWindows, pruneExpiredKeys, recordPublication, workerSecretKids } from './plan.ts';

/** What a target needs to install a list: the signed bytes and the Worker secrets that go with it. */
export interface PreparedPublication {
  list: TrustList;
  cose: Uint8Array;
  rootPublicKey: string;
  /** SIGNING_KEYS once the list is installed: seeds of the next and active keys only. */
  signingKeys: Record<string, string>;
  /**
   * SIGNING_KEYS while the list is being installed: also the seed of the key the Worker signs
   * with until the new list lands (if it is now retired, not revoked), so there is no gap.
   */
  transitionalSigningKeys: Record<string, string>;
}

export interface InstalledLists {
  /** 0 if none. */
  version: number;
  newest?: Uint8Array;
}

export interface PublishTarget {
  readonly kind: 'local' | 'remote';
  /**
   * What the target has installed now: the highest version (any root, so ours is always higher)
   * and the newest list's signed bytes, which ours must not undo a revocation of
   * (guard.ts).
   */
  installed(): Promise<InstalledLists>;
  install(publication: PreparedPublication): Promise<void>;
}

export interface PublishOutcome {
  list: TrustList;
  pruned: string[];
  activeKid?: string;
  removedSeeds: string[];
}

export async function publishTrustList(
  store: UnlockedKeystore,
  target: PublishTarget,
  options: { now: number; nextUpdateSeconds: number; reporter: Reporter; afterRestore?: boolean },
): Promise<PublishOutcome> {
  const { now, reporter } = options;
  const { version: installedVersion, list: installed } = await readInstalled(target, store.state.root.publicKey, reporter);
  let current = store.state;
  if (options.afterRestore && installed) current = adoptInstalledRevocations(current, installed, now);
  else assertKeystoreCurrent(current, installed);
  const { state: pruned, pruned: prunedKids } = pruneExpiredKeys(current, now);
  const state = closeRetiredWindows(pruned, now);
  const version = Math.max(state.published?.version ?? 0, installedVersion) + 1;
  const list = buildTrustList(state, version, now, options.nextUpdateSeconds);
  assertNoRevocationUndone(list, installed);

  const root = await createSigner(await loadSeed(store.dir, store.keys, 'root', state.root.kid));
  if (toHex(root.kid) !== state.root.kid)
    throw new KeysError('bad_keystore', 'the root seed does not match the root public key in state.json');
  const cose = await signTrustList(list, root);
  await verifySignedList(cose, list, root.publicKey);
  reporter.info(`signed trust list v${version} with root ${state.root.kid} (${cose.length} bytes, ${list.keys.length} keys)`);

  const signingKeys = await seedsFor(store, state, workerSecretKids(state));
  const stillSigning = state.published?.activeKid;
  const transitionalKids = [...workerSecretKids(state)];
  if (
    stillSigning &&
    state.keys.find((k) => k.kid === stillSigning)?.state === 'retired' &&
    (await hasSeed(store.dir, 'signing', stillSigning))
  )
    transitionalKids.push(stillSigning);
  const transitionalSigningKeys = await seedsFor(store, state, transitionalKids);

  await target.install({ list, cose, rootPublicKey: state.root.publicKey, signingKeys, transitionalSigningKeys });

  store.state = recordPublication(state, list, target.kind);
  await saveState(store.dir, store.keys, store.state);
  const removedSeeds: string[] = [];
  const neverSignsAgain = store.state.keys.filter((k) => k.state === 'retired' || k.state === 'revoked').map((k) => k.kid);
  for (const kid of [...neverSignsAgain, ...prunedKids]) {
    if (!(await hasSeed(store.dir, 'signing', kid))) continue;
    await removeSigningSeed(store.dir, kid);
    removedSeeds.push(kid);
  }
  const active = activeKid(store.state);
  return { list, pruned: prunedKids, removedSeeds, ...(active ? { activeKid: active } : {}) };
}

/**
 * The installed list, verified against this keystore's root. On a Worker anything else is the
 * wrong target; a local D1 may still hold lists of an earlier dev keystore, which only count for
 * the version number.
 */
async function readInstalled(
  target: PublishTarget,
  rootPublicKey: string,
  reporter: Reporter,
): Promise<{ version: number; list?: TrustList }> {
  const { version, newest } = await target.installed();
  if (!newest) return { version };
  const result = await verifyTrustList(newest, { rootPublicKey: fromBase64Url(rootPublicKey) });
  if (result.ok) return { version, list: result.list };
  if (target.kind === 'local') {
    reporter.info(`the newest list in the local D1 is not from this keystore's root (${result.reason}); publishing above it`);
    return { version };
  }
  throw new KeysError(
    'remote_root_mismatch',
    `the target serves a trust list this keystore's root did not sign (${result.reason}): wrong URL or wrong keystore?`,
  );
}

/** The verifier's own check, on the bytes we are about to install (docs/trust-list.md "What a verifier does"). */
async function verifySignedList(cose: Uint8Array, list: TrustList, rootPublicKey: Uint8Array): Promise<void> {
  const result = await verifyTrustList(cose, { rootPublicKey, minimumVersion: list.version });
  const same =
    result.ok &&
    result.list.version === list.version &&
    result.list.issuedAt === list.issuedAt &&
    result.list.nextUpdate === list.nextUpdate &&
    result.list.issuer === list.issuer &&
    result.list.maxTokenLifetime === list.maxTokenLifetime &&
    result.list.keys.length === list.keys.length &&
    result.list.keys.every((k, i) => {
      const want = list.keys[i]!;
      return (
        bytesEqual(k.kid, want.kid) &&
        bytesEqual(k.publicKey, want.publicKey) &&
        k.state === want.state &&
        k.validFrom === want.validFrom &&
        k.validUntil === want.validUntil
      );
    });
  if (!same)
    throw new KeysError(
      'verify_back_failed',
      `the signed trust list does not verify back${result.ok ? ' to the same content' : `: ${result.reason}`}; nothing was installed`,
    );
}

/** Loads the seeds and checks each against its recorded public key before it goes to the Worker. */
async function seedsFor(store: UnlockedKeystore, state: KeystoreState, kids: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const kid of kids) {
    const record = state.keys.find((k) => k.kid === kid)!;
    const seed = await loadSeed(store.dir, store.keys, 'signing', kid);
    const signer = await createSigner(seed);
    if (!bytesEqual(signer.publicKey, fromBase64Url(record.publicKey)))
      throw new KeysError('bad_keystore', `the seed stored for ${kid} does not match its public key`);
    out[kid] = toBase64Url(seed);
  }
  return out;
}
