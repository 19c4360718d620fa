// Reads the pinned trust root (public material only) for the build; a missing or malformed file
// stops the build with a message that says what to do.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface PinnedRoot {
  /** base64url of the 32-byte raw Ed25519 root public key. */
  publicKey: string;
  /** hex of the root kid (first 8 bytes of SHA-256 over the key). */
  kid: string;
}

const DEFAULT_FILE = 'keys/root-public.json';

export function readPinnedRoot(fileFromEnv: string | undefined, repoRoot: string): PinnedRoot {
  const file = resolve(fileFromEnv ? process.cwd() : repoRoot, fileFromEnv || DEFAULT_FILE);
  const fix =
    'Create it with the keys CLI (`npm run keys`), or point TRICOLOR_ROOT_PUBLIC_KEY_FILE at a JSON file {"publicKey": "<base64url>", "kid": "<hex>"}.';
  if (!existsSync(file)) throw new Error(`Tricolor: the pinned root public key file ${file} does not exist. ${fix}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`Tricolor: ${file} is not valid JSON. ${fix}`);
  }
  const { publicKey, kid } = (parsed ?? {}) as Record<string, unknown>;
  // 32 bytes of base64url without padding is exactly 43 characters.
  if (typeof publicKey !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(publicKey)) {
    throw new Error(`Tricolor: ${file} has no valid "publicKey" (base64url of 32 bytes). ${fix}`);
  }
  if (typeof kid !== 'string' || !/^[0-9a-f]{16}$/.test(kid))
    throw new Error(`Tricolor: ${file} has no valid "kid" (16 lowercase hex digits). ${fix}`);
  return { publicKey, kid };
}
