// Sign-in at the trusted identity provider (docs/identity.md, docs/api.md "Sign-in"):
// POST /v1/auth/start (the wallet's HTML form, no script needed) redirects to the provider;
// GET /v1/auth/callback is where the provider sends the browser back. On success the holder
// secret goes into an HttpOnly cookie scoped to /v1/holders/me, which no page script can read,
// and the browser is sent to /wallet; on failure to /wallet#sign-in-error=<code>.

import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type * as z from 'zod/mini';
import { constantTimeEqual, SIGN_IN_ERROR_FRAGMENT, SIGN_IN_FORM_MAX_BYTES, SIGN_IN_START_PATH, SIGN_OUT_PATH } from '../../src/index.ts';
import { HOLDER_COOKIE, HOLDER_COOKIE_PATH } from '../auth/holder.ts';
import { insertAudit } from '../db/audit.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { requestFeedWriter } from '../feed/writer.ts';
import { enrol } from '../holders/enrol.ts';
import { hashIdNumber, maskName } from '../holders/identity.ts';
import { signInCallbackQuery, signInStartForm } from '../holders/schemas.ts';

type SignInCallbackQuery = z.output<typeof signInCallbackQuery>;

import { mediaType, readBodyLimited } from '../http/body.ts';
import type { IdentityConfig } from '../identity/config.ts';
import { checkIdNumber } from '../identity/id-number.ts';
import { consumeSignIn, redeemCode, SIGN_IN_TTL_SECONDS, SignInError, startSignIn } from '../identity/sign-in.ts';
import { limitEnrolmentByAddress } from '../rate-limit.ts';
import { activeSigner } from '../trust/signer.ts';
import { check } from '../validate.ts';

const SIGN_IN_COOKIE = 'tc_sign_in';
const SIGN_IN_COOKIE_PATH = '/v1/auth';
/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis §5.5); the secret itself does not expire. */
const HOLDER_COOKIE_MAX_AGE = 400 * 86400;

export function registerAuthRoutes(app: Hono<AppEnv>): void {
  registerSignOut(app);
  app.post(SIGN_IN_START_PATH, limitEnrolmentByAddress, async (c) => {
    const idc = identityOf(c);
    if (mediaType(c.req.raw) !== 'application/x-www-form-urlencoded')
      throw new ApiError(415, 'unsupported_media_type', 'Send the declaration as an HTML form (application/x-www-form-urlencoded).');
    const text = new TextDecoder().decode(await readBodyLimited(c.req.raw, SIGN_IN_FORM_MAX_BYTES));
    const declaration = check(signInStartForm, Object.fromEntries(new URLSearchParams(text)), 'body');
    const { db, now, state } = c.var;
    const provider = await state.provider.get(idc.issuer, now);
    const started = await startSignIn(db, idc, provider, now, declaration);
    setCookie(c, SIGN_IN_COOKIE, started.state, {
      path: SIGN_IN_COOKIE_PATH,
      httpOnly: true,
      secure: isHttps(c),
      // Lax, not Strict: the provider's redirect back is a cross-site top-level navigation.
      sameSite: 'Lax',
      maxAge: SIGN_IN_TTL_SECONDS,
    });
    c.header('Cache-Control', 'no-store');
    return c.redirect(started.authorizeUrl, 303);
  });

  app.get('/v1/auth/callback', limitEnrolmentByAddress, async (c) => {
    const idc = identityOf(c);
    const { config, db, now, state } = c.var;
    const callback = readCallback(c, SIGN_IN_COOKIE, SIGN_IN_COOKIE_PATH);
    try {
      const { code, pending } = await checkCallback(callback, idc, (s) => consumeSignIn(db, s, now));
      const provider = await state.provider.get(idc.issuer, now);
      const person = await redeemCode(idc, provider, code, pending, now);
      const idNumber = checkIdNumber(person.idNumber, config.idNumberRule);
      if (!idNumber.ok) throw new SignInError('id_number_invalid');
      // Refuse before writing anything if no token could be signed (docs/architecture.md).
      await activeSigner(() => db, config, state.trust, now);
      const idHash = await hashIdNumber(config.idHmacKey, idNumber.idNumber);
      // The person's bucket, from the keyed ID hash, names the one database that can hold them.
      const shard = c.var.shards.ofIdHash(idHash);
      const enrolment = await enrol(
        shard.db,
        config.policy,
        now,
        config.idHmacKey,
        {
          idHash,
          maskedName: maskName(person.name),
          birthYear: person.birthYear,
          declaration: pending.declaration,
        },
        requestFeedWriter(config, state, c.var.shards, c.var.noteRevocation),
      );
      setCookie(c, HOLDER_COOKIE, enrolment.secret, {
        path: HOLDER_COOKIE_PATH,
        httpOnly: true,
        secure: isHttps(c),
        sameSite: 'Strict',
        maxAge: HOLDER_COOKIE_MAX_AGE,
      });
      return c.redirect('/wallet', 303);
    } catch (err) {
      if (!(err instanceof SignInError)) throw err;
      // Recorded without the client's address or anything the provider sent.
      await insertAudit(db, { at: now, actorType: 'system', actor: 'sign-in', action: 'sign_in.failed', detail: { reason: err.reason } });
      return c.redirect(`/wallet#${SIGN_IN_ERROR_FRAGMENT}=${err.reason}`, 303);
    }
  });
}

/** POST /v1/auth/sign-out: clears this browser's secret cookie; the holder and its secret stay. */
function registerSignOut(app: Hono<AppEnv>): void {
  app.post(SIGN_OUT_PATH, (c) => {
    deleteCookie(c, HOLDER_COOKIE, { path: HOLDER_COOKIE_PATH, secure: isHttps(c), httpOnly: true, sameSite: 'Strict' });
    c.header('Cache-Control', 'no-store');
    return c.body(null, 204);
  });
}

/**
 * The first half of a callback, the same for holders and staff: the query, and the state cookie
 * this browser was given at the start, which is deleted whatever happens next.
 */
export function readCallback(
  c: Context<AppEnv>,
  cookieName: string,
  cookiePath: string,
): { query: SignInCallbackQuery; cookieState?: string } {
  const query = check(signInCallbackQuery, c.req.query(), 'query');
  const cookieState = getCookie(c, cookieName);
  deleteCookie(c, cookieName, { path: cookiePath, secure: isHttps(c), httpOnly: true, sameSite: 'Lax' });
  c.header('Cache-Control', 'no-store');
  return cookieState === undefined ? { query } : { query, cookieState };
}

/** The checks every callback makes before redeeming its code; `consume` takes the single-use sign-in row. */
export async function checkCallback<P>(
  callback: { query: SignInCallbackQuery; cookieState?: string },
  idc: IdentityConfig,
  consume: (state: string) => Promise<P>,
): Promise<{ code: string; pending: P }> {
  const { query, cookieState } = callback;
  // RFC 6749 §10.12: the state must be the one this browser started with.
  if (!query.state || !cookieState || !sameText(query.state, cookieState)) throw new SignInError('state_mismatch');
  const pending = await consume(query.state);
  // RFC 9207: a provider that names itself in the response must be the one we sent the browser to.
  if (query.iss !== undefined && query.iss !== idc.issuer) throw new SignInError('issuer_mismatch');
  if (query.error || !query.code) throw new SignInError('provider_refused');
  return { code: query.code, pending };
}

export function identityOf(c: Context<AppEnv>): IdentityConfig {
  const idc = c.var.config.identity;
  if (!idc) throw new ApiError(503, 'sign_in_unavailable', 'Sign-in is not configured on this issuer.');
  return idc;
}

/** Secure cookies everywhere but plain-HTTP loopback in development. */
export function isHttps(c: Context<AppEnv>): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

export function sameText(a: string, b: string): boolean {
  const enc = new TextEncoder();
  return constantTimeEqual(enc.encode(a), enc.encode(b));
}
