// Staff sign-in to the console through the same OpenID provider and client as the holders
// (docs/console.md "Signing in", docs/identity.md "Staff"): POST /v1/auth/staff/start (a form
// with no fields, no script) redirects to the provider; GET /v1/auth/staff/callback verifies the
// ID token exactly as the holders' callback does, reads the role from the configured claim and
// starts the staff session (worker/auth/staff-session.ts). Failures redirect to
// /console#sign-in-error=<code> and change nothing but an audit row.

import type { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { SIGN_IN_ERROR_FRAGMENT, SIGN_IN_FORM_MAX_BYTES, STAFF_SIGN_IN_CALLBACK_PATH, STAFF_SIGN_IN_START_PATH } from '../../src/index.ts';
import { issueStaffSession } from '../auth/staff-session.ts';
import { insertAudit } from '../db/audit.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { mediaType, readBodyLimited } from '../http/body.ts';
import { consumeStaffSignIn, redeemStaffCode, SIGN_IN_TTL_SECONDS, SignInError, STAFF_SIGN_IN, startSignIn } from '../identity/sign-in.ts';
import { limitEnrolmentByAddress } from '../rate-limit.ts';
import { checkCallback, identityOf, isHttps, readCallback } from './auth.ts';

const STAFF_SIGN_IN_COOKIE = 'tc_staff_sign_in';
const STAFF_SIGN_IN_COOKIE_PATH = '/v1/auth/staff';

export function registerStaffAuthRoutes(app: Hono<AppEnv>): void {
  app.post(STAFF_SIGN_IN_START_PATH, limitEnrolmentByAddress, async (c) => {
    const idc = identityOf(c);
    if (mediaType(c.req.raw) !== 'application/x-www-form-urlencoded')
      throw new ApiError(415, 'unsupported_media_type', 'Start staff sign-in with the console’s HTML form.');
    // The form has no fields; read (and bound) the body anyway so nothing large is accepted.
    await readBodyLimited(c.req.raw, SIGN_IN_FORM_MAX_BYTES);
    const { db, now, state } = c.var;
    const started = await startSignIn(db, idc, await state.provider.get(idc.issuer, now), now, STAFF_SIGN_IN);
    setCookie(c, STAFF_SIGN_IN_COOKIE, started.state, {
      path: STAFF_SIGN_IN_COOKIE_PATH,
      httpOnly: true,
      secure: isHttps(c),
      // Lax: the provider's redirect back is a cross-site top-level navigation.
      sameSite: 'Lax',
      maxAge: SIGN_IN_TTL_SECONDS,
    });
    c.header('Cache-Control', 'no-store');
    return c.redirect(started.authorizeUrl, 303);
  });

  app.get(STAFF_SIGN_IN_CALLBACK_PATH, limitEnrolmentByAddress, async (c) => {
    const idc = identityOf(c);
    const { db, now, state } = c.var;
    const callback = readCallback(c, STAFF_SIGN_IN_COOKIE, STAFF_SIGN_IN_COOKIE_PATH);
    try {
      const { code, pending } = await checkCallback(callback, idc, (s) => consumeStaffSignIn(db, s, now));
      const staff = await redeemStaffCode(idc, await state.provider.get(idc.issuer, now), code, pending, now);
      await issueStaffSession(c, staff, 'oidc');
      await insertAudit(db, {
        at: now,
        actorType: 'operator',
        actor: staff.name,
        action: 'staff.signin',
        detail: { role: staff.role, via: 'oidc' },
      }).run();
      return c.redirect('/console', 303);
    } catch (err) {
      if (!(err instanceof SignInError)) throw err;
      // Only the code: never the name, the sub or anything else the provider sent.
      await insertAudit(db, {
        at: now,
        actorType: 'system',
        actor: 'staff-sign-in',
        action: 'staff.signin_failed',
        detail: { reason: err.reason },
      }).run();
      return c.redirect(`/console#${SIGN_IN_ERROR_FRAGMENT}=${err.reason}`, 303);
    }
  });
}
