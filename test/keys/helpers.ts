// Fixtures for the key CLI tests: temporary keystores with a cheap (but floor-respecting) scrypt
// cost, a pinned clock, and a runner for `node scripts/keys.ts` as an operator would type it.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { MIN_KDF_N } from '../../keys/keystore/crypto.ts';
import type { StoreAccess } from '../../keys/operations.ts';
import { silentReporter } from '../../keys/progress.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const CHEAP_KDF = { N: MIN_KDF_N, r: 8, p: 1 } as const;
export const PASSPHRASE = 'test passphrase, not a real one';
/** 2026-03-01T00:00:00Z */
export const T0 = 1772323200;

const created: string[] = [];
// Registered when a test file imports this module, so it runs after all of that file's tests
// (a hook registered from inside a running test would be too late to run).
afterAll(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temp directory, removed after the file's tests. */
export async function tempDir(prefix = 'tricolor-keys-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function access(dir: string, now = T0, passphrase = PASSPHRASE): StoreAccess {
  return { dir, passphrase, now, reporter: silentReporter };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node scripts/keys.ts ...args` from the repository root with a bounded time. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'keys.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, TRICOLOR_PASSPHRASE: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
  });
}
