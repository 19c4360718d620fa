// The keystore at rest: sealed seeds round-trip, a wrong passphrase or a tampered file fails,
// files are 0600 and directories 0700, and no seed is ever written in the clear.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeysError } from '../../keys/errors.ts';
import { createKeystore, loadSeed, saveState, storeSeed, unlockKeystore } from '../../keys/keystore/keystore.ts';
import type { KeystoreState } from '../../keys/keystore/state.ts';
import { initRoot, newSigningKey } from '../../keys/operations.ts';
import { silentReporter } from '../../keys/progress.ts';
import { generateSeed, toBase64Url, toHex } from '../../src/index.ts';
import { access, CHEAP_KDF, PASSPHRASE, T0, tempDir } from './helpers.ts';

const KID = '0123456789abcdef';
const STATE: KeystoreState = {
  issuer: 'ZJ',
  maxTokenLifetimeSeconds: 86400,
  root: { kid: KID, publicKey: 'A'.repeat(43), createdAt: T0 },
  keys: [],
};

async function expectKeysError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeysError);
  expect((error as KeysError).code).toBe(code);
}

async function newStore(): Promise<{ dir: string; seed: Uint8Array }> {
  const dir = join(await tempDir(), 'store');
  const keys = await createKeystore(dir, PASSPHRASE, silentReporter, CHEAP_KDF);
  const seed = generateSeed();
  await storeSeed(dir, keys, 'signing', KID, seed);
  await saveState(dir, keys, STATE);
  return { dir, seed };
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('keystore encryption at rest', () => {
  it('decrypts a stored seed with the right passphrase', async () => {
    const { dir, seed } = await newStore();
    const store = await unlockKeystore(dir, PASSPHRASE, silentReporter);
    expect(await loadSeed(dir, store.keys, 'signing', KID)).toEqual(seed);
    expect(store.state).toEqual(STATE);
  });

  it('refuses a wrong passphrase before reading any seed', async () => {
    const { dir } = await newStore();
    await expectKeysError(unlockKeystore(dir, `${PASSPHRASE}!`, silentReporter), 'wrong_passphrase');
  });

  it('never writes a seed in the clear, in any encoding', async () => {
    const { dir, seed } = await newStore();
    const text = (await Promise.all((await allFiles(dir)).map((f) => readFile(f, 'utf8')))).join('\n');
    for (const encoded of [toHex(seed), toBase64Url(seed), Buffer.from(seed).toString('base64')]) expect(text).not.toContain(encoded);
  });

  it('writes every file 0600 and every directory 0700, whatever the umask', async () => {
    const previous = process.umask(0);
    try {
      const { dir } = await newStore();
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, 'signing'))).mode & 0o777).toBe(0o700);
      const files = await allFiles(dir);
      expect(files.length).toBeGreaterThanOrEqual(3);
      for (const file of files) expect({ file, mode: (await stat(file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
    } finally {
      process.umask(previous);
    }
  });

  it('detects a state.json edited outside the CLI (a key slipped in for the root to vouch for)', async () => {
    const { dir } = await newStore();
    const path = join(dir, 'state.json');
    const file = JSON.parse(await readFile(path, 'utf8'));
    file.state.keys.push({ kid: 'fedcba9876543210', publicKey: 'B'.repeat(43), state: 'active', validFrom: T0, createdAt: T0 });
    await writeFile(path, JSON.stringify(file));
    await expectKeysError(unlockKeystore(dir, PASSPHRASE, silentReporter), 'state_tampered');
  });

  it('will not open a signing seed file moved into the root seed slot', async () => {
    const { dir } = await newStore();
    const store = await unlockKeystore(dir, PASSPHRASE, silentReporter);
    const signing = JSON.parse(await readFile(join(dir, 'signing', `${KID}.key.json`), 'utf8'));
    await writeFile(join(dir, 'root.key.json'), JSON.stringify({ ...signing, purpose: 'root' }));
    await expectKeysError(loadSeed(dir, store.keys, 'root', KID), 'unseal_failed');
  });

  it('refuses KDF parameters weakened below the floor', async () => {
    const { dir } = await newStore();
    const path = join(dir, 'kdf.json');
    const file = JSON.parse(await readFile(path, 'utf8'));
    file.kdf.N = 1024;
    await writeFile(path, JSON.stringify(file));
    await expectKeysError(unlockKeystore(dir, PASSPHRASE, silentReporter), 'bad_keystore');
  });

  it('refuses to create a second keystore over an existing one', async () => {
    const { dir } = await newStore();
    await expectKeysError(createKeystore(dir, PASSPHRASE, silentReporter, CHEAP_KDF), 'keystore_exists');
  });

  it('root init refuses a short passphrase and stores the root seed sealed', { timeout: 30_000 }, async () => {
    const dir = join(await tempDir(), 'store');
    await expectKeysError(
      initRoot(access(dir, T0, 'short'), { issuer: 'ZJ', maxTokenLifetimeSeconds: 86400, kdfCost: CHEAP_KDF }),
      'weak_passphrase',
    );
    const root = await initRoot(access(dir), { issuer: 'ZJ', maxTokenLifetimeSeconds: 86400, kdfCost: CHEAP_KDF });
    const store = await unlockKeystore(dir, PASSPHRASE, silentReporter);
    expect(store.state.root.kid).toBe(root.kid);
    expect((await loadSeed(dir, store.keys, 'root', root.kid)).length).toBe(32);
    const { kid } = await newSigningKey(access(dir, T0 + 10));
    expect((await unlockKeystore(dir, PASSPHRASE, silentReporter)).state.keys).toMatchObject([{ kid, state: 'next', validFrom: T0 + 10 }]);
  });
});
