// The repository root (where wrangler.toml is), found from this file rather than the cwd.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}
