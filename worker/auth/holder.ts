// Holder authentication: the holder secret minted at sign-in, from the HttpOnly cookie the
// wallet's browser sends (docs/identity.md "Holder secrets"), or as `Authorization: Bearer` for
// scripts. Only its SHA-256 is stored; the lookup is by that hash on a unique index, so no secret
// is compared byte by byte. A secret this issuer never minted (its tag does not verify) is refused
// without any D1 read, and every failure is charged to the client's failure bucket, so guessing
// costs the issuer no reads and earns 429 soon.

import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { mintedSecretBucket, sha256 } from '../crypto.ts';
import { findHolderByReplacedSecretHash, findHolderBySecretHash } from '../db/holders.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { clientAddressKey } from '../http/client-address.ts';
import { allowed, rateLimited } from '../rate-limit.ts';
import { bearerToken } from './bearer.ts';

/** The holder secret's cookie, set by the sign-in callback (worker/routes/auth.ts, docs/identity.md "Holder secrets"). */
export const HOLDER_COOKIE = 'tc_holder';
/** Sent only to the holder routes. */
export const HOLDER_COOKIE_PATH = '/v1/holders/me';
const MAX_SECRET_LENGTH = 64;

/**
 * @param from 'replica' for read-only routes: look the secret up on a possibly lagging read
 *   replica, and only on a miss ask the primary (a secret issued moments ago may not have
 *   replicated yet). 'primary' for routes that write.
 */
export function requireHolderSecret(from: 'replica' | 'primary') {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    const secret = header === undefined ? getCookie(c, HOLDER_COOKIE) : bearerToken(header);
    const bucket =
      secret === undefined || secret.length > MAX_SECRET_LENGTH ? undefined : await mintedSecretBucket(c.var.config.idHmacKey, secret);
    if (bucket === undefined) return failed(c, unauthorized());
    // The secret names its bucket, so this is the one database that can know it (docs/scale.md).
    const shard = c.var.shards.ofBucket(bucket);
    const hash = await sha256(secret!);
    let holder = from === 'replica' ? await findHolderBySecretHash(shard.readDb(), hash) : undefined;
    holder ??= await findHolderBySecretHash(shard.db, hash);
    if (!holder) {
      // A secret a later sign-in replaced: its wallet learns why (the holder signed in elsewhere).
      const replaced = await findHolderByReplacedSecretHash(shard.db, hash);
      return failed(c, replaced ? secretReplaced() : unauthorized());
    }
    c.set('holderShard', shard);
    c.set('holder', holder);
    await next();
  });
}

async function failed(c: Context<AppEnv>, error: ApiError): Promise<never> {
  if (!(await allowed(c.env, 'holderAuthFailure', clientAddressKey(c.req.header('cf-connecting-ip'))))) throw rateLimited();
  throw error;
}

function unauthorized(): ApiError {
  return new ApiError(401, 'unauthorized', 'A valid holder secret is required; sign in again.', {
    'WWW-Authenticate': 'Bearer realm="tricolor-holder"',
  });
}

function secretReplaced(): ApiError {
  return new ApiError(401, 'secret_replaced', 'This holder signed in on another device, which replaced the secret here; sign in again.', {
    'WWW-Authenticate': 'Bearer realm="tricolor-holder", error="invalid_token"',
  });
}
