// First-run material for `npm run dev` (README quick start), all under the git-ignored .dev/ directory and
// .dev.vars: a dev keystore with a random passphrase, its root (public JSON for the PWA build)
// and an active signing key, ID_HMAC_KEY, FEED_KEY, and operator/auditor tokens (only their SHA-256 goes
// into .dev.vars, as OPERATOR_TOKENS). Every step is skipped when its result already exists.

import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeysError } from '../../keys/errors.ts';
import { keystoreExists, readStateUnverified } from '../../keys/keystore/keystore.ts';
import { ensureSecretDir, fileExists, writeSecretFile } from '../../keys/keystore/secure-fs.ts';
import { initRoot, newSigningKey, rotate, type StoreAccess, writeRootPublicKeyFile } from '../../keys/operations.ts';
import type { Reporter } from '../../keys/progress.ts';
import { toBase64Url } from '../../src/index.ts';
import { readDotenvValue, readTextIfExists, updateDotenvFile } from './dev-vars.ts';

export interface DevPaths {
  devDir: string;
  devVars: string;
  configPath: string;
}

export interface DevMaterial {
  access: StoreAccess;
  rootPublicFile: string;
  operatorTokenFile: string;
  auditorTokenFile: string;
}

export function devFiles(devDir: string) {
  return {
    passphrase: join(devDir, 'passphrase'),
    keystore: join(devDir, 'keystore'),
    rootPublic: join(devDir, 'root-public.json'),
    operatorToken: join(devDir, 'operator-token'),
    auditorToken: join(devDir, 'auditor-token'),
  };
}

export async function ensureDevMaterial(paths: DevPaths, now: number, reporter: Reporter): Promise<DevMaterial> {
  const files = devFiles(paths.devDir);
  await ensureSecretDir(paths.devDir);
  const passphrase = await ensureRandomFile(files.passphrase, await keystoreExists(files.keystore));
  const access: StoreAccess = { dir: files.keystore, passphrase, now, reporter };

  if (!(await keystoreExists(files.keystore))) {
    const config = await readFile(paths.configPath, 'utf8');
    const issuer = wranglerVar(config, 'ISSUER') ?? 'ZJ';
    const lifetime = Number(wranglerVar(config, 'TOKEN_LIFETIME_SECONDS') ?? 86400);
    const root = await initRoot(access, { issuer, maxTokenLifetimeSeconds: lifetime, publicOut: files.rootPublic });
    const signing = await newSigningKey(access);
    await rotate(access);
    reporter.info(`dev keystore created in ${files.keystore}: root ${root.kid}, active signing key ${signing.kid}`);
  } else if (!(await fileExists(files.rootPublic))) {
    const state = await readStateUnverified(files.keystore);
    await writeRootPublicKeyFile(files.rootPublic, { publicKey: state.root.publicKey, kid: state.root.kid });
  }

  const operatorToken = await ensureRandomFile(files.operatorToken, false);
  const auditorToken = await ensureRandomFile(files.auditorToken, false);
  const vars = await readTextIfExists(paths.devVars);
  const set: Record<string, string> = {
    OPERATOR_TOKENS: JSON.stringify([
      { name: 'dev-operator', role: 'operator', sha256: sha256Hex(operatorToken) },
      { name: 'dev-auditor', role: 'auditor', sha256: sha256Hex(auditorToken) },
    ]),
  };
  // Never replace an existing HMAC key: every stored ID hash depends on it.
  if (!readDotenvValue(vars, 'ID_HMAC_KEY')) set.ID_HMAC_KEY = toBase64Url(randomBytes(32));
  // Nor the feed key: the indices in live tokens and in the feed depend on it.
  if (!readDotenvValue(vars, 'FEED_KEY')) set.FEED_KEY = toBase64Url(randomBytes(32));
  await updateDotenvFile(paths.devVars, set);
  return { access, rootPublicFile: files.rootPublic, operatorTokenFile: files.operatorToken, auditorTokenFile: files.auditorToken };
}

/** Reads a 32-byte random secret file, creating it (0600) if absent. */
async function ensureRandomFile(path: string, mustExist: boolean): Promise<string> {
  const existing = (await readTextIfExists(path)).trim();
  if (existing) return existing;
  if (mustExist)
    throw new KeysError('dev_passphrase_lost', `${path} is missing but the dev keystore exists; delete the .dev directory to start over`);
  const value = toBase64Url(randomBytes(32));
  await writeSecretFile(path, `${value}\n`);
  return value;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A string value from wrangler.toml's top-level [vars] table (enough TOML for `KEY = "value"`). */
export function wranglerVar(toml: string, name: string): string | undefined {
  const vars = /^\[vars\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1] ?? '';
  return new RegExp(`^\\s*${name}\\s*=\\s*"([^"]*)"`, 'm').exec(vars)?.[1];
}
