// Per-client rate limits (docs/api.md#rate-limits) on what a client can call in a loop: sign-in
// (start and callback) and the revocation feed, keyed by the client's address (CF-Connecting-IP,
// IPv6 by /64); token fetch and check-ins, keyed by the authenticated holder; and failed holder
// authentication, keyed by address and charged before any D1 read (worker/auth/holder.ts). All
// use the Workers Rate Limiting binding
// ([[ratelimits]] in wrangler.toml), which Miniflare implements locally, so `wrangler dev` and the
// Workers test pool enforce the same limits. docs/api.md "Rate limits" has the numbers and why.
//
// Over the limit: 429 rate_limited with Retry-After. The binding does not say when its window
// resets; its windows are 10 or 60 seconds long, so 60 is always late enough.
// If the limiter itself fails (or is not bound), the request goes through: a health code must
// stay reachable, and the limit only protects capacity, never access control.

import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Env } from './env.ts';
import { ApiError } from './errors.ts';
import { clientAddressKey } from './http/client-address.ts';

/** The Rate Limiting bindings in wrangler.toml, by what they limit. */
export type LimitedAction = 'enrol' | 'token' | 'holderAuthFailure' | 'feed' | 'checkin';

const BINDINGS: Record<
  LimitedAction,
  'ENROL_RATE_LIMIT' | 'TOKEN_RATE_LIMIT' | 'HOLDER_AUTH_FAILURE_RATE_LIMIT' | 'FEED_RATE_LIMIT' | 'CHECKIN_RATE_LIMIT'
> = {
  enrol: 'ENROL_RATE_LIMIT',
  token: 'TOKEN_RATE_LIMIT',
  holderAuthFailure: 'HOLDER_AUTH_FAILURE_RATE_LIMIT',
  feed: 'FEED_RATE_LIMIT',
  checkin: 'CHECKIN_RATE_LIMIT',
};

/** The longest window the binding allows (10 or 60 s): a Retry-After that is never too early. */
export const RETRY_AFTER_SECONDS = 60;

/** Sign-in (start and callback): one bucket per client address. */
export const limitEnrolmentByAddress = limitBy('enrol', (c) => clientAddressKey(c.req.header('cf-connecting-ip')));

/** Token fetch: one bucket per holder (after requireHolderSecret), so a new secret does not reset it. */
export const limitTokenByHolder = limitBy('token', (c) => `holder:${c.var.holder.id}`);

/**
 * Revocation feed: one bucket per client address, checked before anything else, so a client
 * looping over `since` values cannot make the Worker read D1 or build snapshots at its pace.
 */
export const limitFeedByAddress = limitBy('feed', (c) => clientAddressKey(c.req.header('cf-connecting-ip')));

/** Check-ins: one bucket per holder (after requireHolderSecret); each one writes to the primary. */
export const limitCheckinByHolder = limitBy('checkin', (c) => `holder:${c.var.holder.id}`);

export function limitBy(action: LimitedAction, keyOf: (c: Context<AppEnv>) => string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!(await allowed(c.env, action, keyOf(c)))) throw rateLimited();
    await next();
  });
}

export function rateLimited(): ApiError {
  return new ApiError(429, 'rate_limited', 'Too many requests from this client; try again in a minute.', {
    'Retry-After': String(RETRY_AFTER_SECONDS),
  });
}

/** Charges one unit to `key`'s bucket; false once the bucket is over its limit. */
export async function allowed(env: Env, action: LimitedAction, key: string): Promise<boolean> {
  const binding = env[BINDINGS[action]];
  if (!binding) {
    warnOnce(`${BINDINGS[action]} is not bound; ${action} is not rate-limited`);
    return true;
  }
  try {
    return (await binding.limit({ key })).success;
  } catch (err) {
    // Never the key: it may be a client address.
    console.warn(`rate limiter ${BINDINGS[action]} failed (${err instanceof Error ? err.name : 'error'}); letting the request through`);
    return true;
  }
}

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(message);
}
