// Holder authentication: `Authorization: Bearer <secret>`, the 32-byte base64url secret returned
// once at enrolment. Only its SHA-256 is stored; the lookup is by that hash on a unique index, so
// no secret is ever compared byte by byte, and a wrong secret learns nothing but "401".

import { createMiddleware } from 'hono/factory';
import { fromBase64Url } from '../../src/index.ts';
import { sha256Hex } from '../crypto.ts';
import { findHolderBySecretHash } from '../db/holders.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { bearerToken } from './bearer.ts';

/**
 * @param from 'replica' for read-only routes: look the secret up on a possibly lagging read
 *   replica, and only on a miss ask the primary (a secret issued moments ago may not have
 *   replicated yet). 'primary' for routes that write.
 */
export function requireHolderSecret(from: 'replica' | 'primary') {
  return createMiddleware<AppEnv>(async (c, next) => {
    const secret = bearerToken(c.req.header('authorization'));
    if (secret === undefined || !isSecretShaped(secret)) throw unauthorized();
    const hash = await sha256Hex(secret);
    let holder = from === 'replica' ? await findHolderBySecretHash(c.var.readDb(), hash) : undefined;
    holder ??= await findHolderBySecretHash(c.var.db, hash);
    if (!holder) throw unauthorized();
    c.set('holder', holder);
    await next();
  });
}

function isSecretShaped(secret: string): boolean {
  try {
    return fromBase64Url(secret).length === 32;
  } catch {
    return false;
  }
}

function unauthorized(): ApiError {
  return new ApiError(401, 'unauthorized', 'A valid holder secret is required.', { 'WWW-Authenticate': 'Bearer realm="tricolor-holder"' });
}
