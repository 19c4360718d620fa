// Builds the PWA into a given folder with a given pinned root, without touching verifier-web/dist
// (for the browser tests and the bench). Runs Vite in a child process so its env stays its own.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');

export function buildWeb(outDir: string, rootPublicKeyFile: string): void {
  // vite's package exports hide bin/; find it next to its package.json.
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'verifier-web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: repoRoot,
    env: { ...process.env, TRICOLOR_ROOT_PUBLIC_KEY_FILE: rootPublicKeyFile, TRICOLOR_WEB_OUT_DIR: outDir },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`PWA build failed:\n${result.stdout}\n${result.stderr}`);
}
