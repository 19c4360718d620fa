// The keystore directory: kdf.json (scrypt parameters and a passphrase check), state.json (public
// state, authenticated with an HMAC under the passphrase-derived key so a tampered file cannot
// make the root vouch for a stranger's key), root.key.json and signing/<kid>.key.json (sealed seeds).

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KeysError } from '../errors.ts';
import type { Reporter } from '../progress.ts';
import {
  deriveKeystoreKeys,
  type KdfParams,
  type KeystoreKeys,
  macMatches,
  macText,
  newKdfParams,
  open,
  type SealedBox,
  seal,
} from './crypto.ts';
import { ensureSecretDir, fileExists, writeSecretFile } from './secure-fs.ts';
import { assertKeystoreState, type KeystoreState } from './state.ts';

const KDF_FILE = 'kdf.json';
const STATE_FILE = 'state.json';
const CHECK_TEXT = 'tricolor keystore v1';

export type SeedPurpose = 'root' | 'signing';

export interface UnlockedKeystore {
  readonly dir: string;
  readonly keys: KeystoreKeys;
  state: KeystoreState;
}

interface KdfFile {
  format: 'tricolor-keystore-kdf/1';
  kdf: KdfParams;
  check: SealedBox;
}

interface StateFile {
  format: 'tricolor-keystore-state/1';
  /** HMAC-SHA-256 of JSON.stringify(state) under the keystore's MAC key. */
  mac: string;
  state: KeystoreState;
}

interface SeedFile {
  format: 'tricolor-sealed-seed/1';
  purpose: SeedPurpose;
  kid: string;
  sealed: SealedBox;
}

export async function keystoreExists(dir: string): Promise<boolean> {
  return fileExists(join(dir, KDF_FILE));
}

/** Creates an empty keystore (no state yet) protected by a new passphrase. */
export async function createKeystore(
  dir: string,
  passphrase: string,
  reporter: Reporter,
  cost?: { N: number; r: number; p: number },
): Promise<KeystoreKeys> {
  if (await keystoreExists(dir)) throw new KeysError('keystore_exists', `a keystore already exists in ${dir}`);
  await ensureSecretDir(dir);
  const kdf = newKdfParams(cost);
  const keys = await reporter.step(`deriving the keystore key (scrypt N=${kdf.N})`, () => deriveKeystoreKeys(passphrase, kdf));
  const file: KdfFile = { format: 'tricolor-keystore-kdf/1', kdf, check: seal(keys, new TextEncoder().encode(CHECK_TEXT), 'check') };
  await writeSecretFile(join(dir, KDF_FILE), `${JSON.stringify(file, null, 2)}\n`);
  return keys;
}

/** Derives the keystore keys from the passphrase and checks them and state.json's MAC. */
export async function unlockKeystore(dir: string, passphrase: string, reporter: Reporter): Promise<UnlockedKeystore> {
  const kdfFile = await readJson<KdfFile>(join(dir, KDF_FILE), `no keystore in ${dir} (run \`keys root init\` first)`);
  if (kdfFile.format !== 'tricolor-keystore-kdf/1') throw new KeysError('bad_keystore', `${KDF_FILE} has an unknown format`);
  const keys = await reporter.step(`unlocking the keystore (scrypt N=${kdfFile.kdf.N})`, () => deriveKeystoreKeys(passphrase, kdfFile.kdf));
  try {
    open(keys, kdfFile.check, 'check');
  } catch {
    throw new KeysError('wrong_passphrase', 'wrong passphrase for this keystore');
  }
  const stateFile = await readJson<StateFile>(join(dir, STATE_FILE), `${STATE_FILE} is missing in ${dir}`);
  if (!macMatches(keys, JSON.stringify(stateFile.state), stateFile.mac)) {
    throw new KeysError('state_tampered', `${STATE_FILE} was changed outside the key CLI (its MAC does not match); refusing to use it`);
  }
  assertKeystoreState(stateFile.state);
  return { dir, keys, state: stateFile.state };
}

/** Reads state.json without the passphrase (for `keys list`); its MAC is not checked. */
export async function readStateUnverified(dir: string): Promise<KeystoreState> {
  const stateFile = await readJson<StateFile>(join(dir, STATE_FILE), `no keystore in ${dir} (run \`keys root init\` first)`);
  assertKeystoreState(stateFile.state);
  return stateFile.state;
}

export async function saveState(dir: string, keys: KeystoreKeys, state: KeystoreState): Promise<void> {
  const file: StateFile = { format: 'tricolor-keystore-state/1', mac: macText(keys, JSON.stringify(state)), state };
  await writeSecretFile(join(dir, STATE_FILE), `${JSON.stringify(file, null, 2)}\n`);
}

export async function storeSeed(dir: string, keys: KeystoreKeys, purpose: SeedPurpose, kid: string, seed: Uint8Array): Promise<void> {
  const file: SeedFile = { format: 'tricolor-sealed-seed/1', purpose, kid, sealed: seal(keys, seed, seedAad(purpose, kid)) };
  await writeSecretFile(seedPath(dir, purpose, kid), `${JSON.stringify(file, null, 2)}\n`);
}

export async function loadSeed(dir: string, keys: KeystoreKeys, purpose: SeedPurpose, kid: string): Promise<Uint8Array> {
  const file = await readJson<SeedFile>(seedPath(dir, purpose, kid), `the ${purpose} seed for ${kid} is not in this keystore`);
  return open(keys, file.sealed, seedAad(purpose, kid));
}

export async function hasSeed(dir: string, purpose: SeedPurpose, kid: string): Promise<boolean> {
  return fileExists(seedPath(dir, purpose, kid));
}

/** Deletes a signing seed that will never sign again (retired or revoked, and no longer on the Worker). */
export async function removeSigningSeed(dir: string, kid: string): Promise<void> {
  await rm(seedPath(dir, 'signing', kid), { force: true });
}

function seedPath(dir: string, purpose: SeedPurpose, kid: string): string {
  if (!/^[0-9a-f]{16}$/.test(kid)) throw new KeysError('bad_kid', 'a kid is 16 lowercase hex characters');
  return purpose === 'root' ? join(dir, 'root.key.json') : join(dir, 'signing', `${kid}.key.json`);
}

function seedAad(purpose: SeedPurpose, kid: string): string {
  return `tricolor seed v1 ${purpose} ${kid}`;
}

async function readJson<T>(path: string, missing: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new KeysError('no_keystore', missing);
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new KeysError('bad_keystore', `${path} is not valid JSON`);
  }
}
