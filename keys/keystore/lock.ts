// One CLI at a time per keystore: two concurrent `keys` runs could both publish version N+1 or
// lose each other's state change. A lock file holds the owner's pid; a stale one is taken over.

import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KeysError } from '../errors.ts';
import { ensureSecretDir } from './secure-fs.ts';

export async function withStoreLock<T>(dir: string, run: () => Promise<T>): Promise<T> {
  await ensureSecretDir(dir);
  const lock = join(dir, '.lock');
  await acquire(lock, true);
  try {
    return await run();
  } finally {
    await rm(lock, { force: true });
  }
}

async function acquire(lock: string, retry: boolean): Promise<void> {
  try {
    const handle = await open(lock, 'wx', 0o600);
    await handle.writeFile(String(process.pid));
    await handle.close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const owner = Number(await readFile(lock, 'utf8').catch(() => ''));
    if (retry && !isAlive(owner)) {
      await rm(lock, { force: true });
      return acquire(lock, false);
    }
    throw new KeysError('store_locked', `another keys command (pid ${owner || 'unknown'}) is using this keystore`);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
