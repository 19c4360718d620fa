// File writes for secret material: directories 0700, files 0600, written atomically (temp file +
// rename) so a crash never leaves a half-written key or state file behind.

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export const SECRET_FILE_MODE = 0o600;
export const SECRET_DIR_MODE = 0o700;

/** Creates the directory (and parents) if needed and makes sure the leaf is 0700. */
export async function ensureSecretDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: SECRET_DIR_MODE });
  // mkdir's mode is masked by the umask and ignored for an existing directory.
  await chmod(path, SECRET_DIR_MODE);
}

/** Writes the whole file with mode 0600 (independent of the umask) and renames it into place. */
export async function writeSecretFile(path: string, data: string | Uint8Array): Promise<void> {
  await ensureSecretDir(dirname(path));
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const handle = await open(temp, 'wx', SECRET_FILE_MODE);
  try {
    await handle.chmod(SECRET_FILE_MODE);
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  await rename(temp, path);
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
