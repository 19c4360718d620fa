// Where the keystore lives: --store, else TRICOLOR_KEYSTORE, else ~/.config/tricolor/keystore.
// A keystore inside a git work tree could be committed by accident, so it is refused there,
// except under the work tree's git-ignored .dev/ directory (the `npm run dev` keystore).

import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { KeysError } from '../errors.ts';

export function resolveStoreDir(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option) return resolve(option);
  if (env.TRICOLOR_KEYSTORE) return resolve(env.TRICOLOR_KEYSTORE);
  const config = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'tricolor', 'keystore');
}

export function assertStoreLocation(dir: string): void {
  const path = realPathOf(resolve(dir));
  const top = findWorkTree(path);
  if (!top) return;
  const rel = relative(top, path);
  const underDev = rel === '.dev' || rel.startsWith(`.dev${sep}`);
  if (underDev && isGitIgnored(top, rel)) return;
  throw new KeysError(
    'store_in_repo',
    `refusing a keystore inside the git work tree ${top}: keys there can be committed by accident. ` +
      'Use a directory outside the repository (default ~/.config/tricolor/keystore) or the git-ignored .dev/ directory.',
  );
}

/** realpath of the nearest existing ancestor, with the not-yet-existing rest appended. */
function realPathOf(path: string): string {
  const missing: string[] = [];
  let current = path;
  while (!existsSync(current)) {
    missing.unshift(basename(current));
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return join(realpathSync(current), ...missing);
}

function findWorkTree(path: string): string | undefined {
  for (let dir = path; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

function isGitIgnored(top: string, rel: string): boolean {
  try {
    // Exit status 0 means ignored; 1 means not ignored; anything else (no git) is treated as not ignored.
    execFileSync('git', ['-C', top, 'check-ignore', '-q', '--', rel], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
