// The key operations behind the CLI commands, shared with scripts/dev.ts: each takes the store,
// the passphrase, the clock and a reporter, holds the store lock, and saves the state it changes.

import { writeFile } from 'node:fs/promises';
import { createSigner, generateSeed, toBase64Url, toHex } from '../src/index.ts';
import { createKeystore, saveState, storeSeed, type UnlockedKeystore, unlockKeystore } from './keystore/keystore.ts';
import { assertStoreLocation } from './keystore/location.ts';
import { withStoreLock } from './keystore/lock.ts';
import { assertNewPassphrase } from './keystore/passphrase.ts';
import type { KeystoreState } from './keystore/state.ts';
import type { Reporter } from './progress.ts';
import { type PublishOutcome, type PublishTarget, publishTrustList } from './publication/publish.ts';
import { addNextKey, type RevokeOutcome, type RotateOutcome, revokeKey, rotateKeys } from './transitions.ts';

export interface StoreAccess {
  dir: string;
  passphrase: string;
  /** NumericDate seconds. */
  now: number;
  reporter: Reporter;
}

export interface RootInitOptions {
  issuer: string;
  maxTokenLifetimeSeconds: number;
  /** Where to write the root public key JSON (public material, e.g. keys/root-public.json). */
  publicOut?: string;
  /** Only for tests: a cheaper scrypt cost (never below MIN_KDF_N). */
  kdfCost?: { N: number; r: number; p: number };
}

export interface RootPublicKeyFile {
  publicKey: string;
  kid: string;
}

export async function initRoot(access: StoreAccess, options: RootInitOptions): Promise<RootPublicKeyFile> {
  assertStoreLocation(access.dir);
  assertNewPassphrase(access.passphrase);
  return withStoreLock(access.dir, async () => {
    const keys = await createKeystore(access.dir, access.passphrase, access.reporter, options.kdfCost);
    const seed = generateSeed();
    const root = await createSigner(seed);
    const pub: RootPublicKeyFile = { publicKey: toBase64Url(root.publicKey), kid: toHex(root.kid) };
    await storeSeed(access.dir, keys, 'root', pub.kid, seed);
    seed.fill(0);
    const state: KeystoreState = {
      issuer: options.issuer,
      maxTokenLifetimeSeconds: options.maxTokenLifetimeSeconds,
      root: { ...pub, createdAt: access.now },
      keys: [],
    };
    await saveState(access.dir, keys, state);
    if (options.publicOut) await writeRootPublicKeyFile(options.publicOut, pub);
    return pub;
  });
}

export async function writeRootPublicKeyFile(path: string, pub: RootPublicKeyFile): Promise<void> {
  await writeFile(path, `${JSON.stringify({ publicKey: pub.publicKey, kid: pub.kid }, null, 2)}\n`, { mode: 0o644 });
}

/** Opens the store under its lock, runs `change`, and saves the state it returns. */
async function changeStore<T>(
  access: StoreAccess,
  change: (store: UnlockedKeystore) => Promise<{ state: KeystoreState; result: T }>,
): Promise<T> {
  assertStoreLocation(access.dir);
  return withStoreLock(access.dir, async () => {
    const store = await unlockKeystore(access.dir, access.passphrase, access.reporter);
    const { state, result } = await change(store);
    await saveState(access.dir, store.keys, state);
    return result;
  });
}

export function newSigningKey(access: StoreAccess): Promise<{ kid: string; publicKey: string }> {
  return changeStore(access, async (store) => {
    const seed = generateSeed();
    const signer = await createSigner(seed);
    const key = { kid: toHex(signer.kid), publicKey: toBase64Url(signer.publicKey) };
    const state = addNextKey(store.state, key, access.now); // refuses before the seed is written
    await storeSeed(store.dir, store.keys, 'signing', key.kid, seed);
    seed.fill(0);
    return { state, result: key };
  });
}

export function rotate(access: StoreAccess, options: { immediate?: boolean } = {}): Promise<RotateOutcome> {
  return changeStore(access, async (store) => {
    const outcome = rotateKeys(store.state, access.now, options);
    return { state: outcome.state, result: outcome };
  });
}

export function revoke(access: StoreAccess, kid: string, reason: string): Promise<RevokeOutcome> {
  return changeStore(access, async (store) => {
    const outcome = revokeKey(store.state, kid, reason, access.now);
    return { state: outcome.state, result: outcome };
  });
}

export function publish(
  access: StoreAccess,
  target: PublishTarget,
  nextUpdateSeconds: number,
  options: { afterRestore?: boolean } = {},
): Promise<PublishOutcome> {
  assertStoreLocation(access.dir);
  return withStoreLock(access.dir, async () => {
    const store = await unlockKeystore(access.dir, access.passphrase, access.reporter);
    return publishTrustList(store, target, { now: access.now, nextUpdateSeconds, reporter: access.reporter, ...options });
  });
}
