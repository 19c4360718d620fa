// Staff sessions for the operator console (docs/console.md "Signing in"): an HttpOnly,
// SameSite=Strict cookie carrying the staff member's name and role, signed with HMAC-SHA-256
// under a key derived (HKDF, RFC 5869) from ID_HMAC_KEY, so there is no new secret to manage.
// The console never holds a long-lived secret in script-readable storage.
//
// Two ways start a session, both through issueStaffSession(c, staff, source): the OpenID Connect
// staff sign-in, with the role read from its ID token (../routes/staff-auth.ts), and the exchange
// of an operator or auditor bearer token (POST /v1/admin/session, ../routes/admin-session.ts).
// Bearer tokens keep working on every admin route, for automation.

import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { fromBase64Url, toBase64Url } from '../../src/index.ts';
import type { Config, Role } from '../config.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { TUNABLES } from '../tunables.ts';
import { authenticateBearer, type Operator, unauthorizedOperator } from './operator.ts';

export const STAFF_COOKIE = 'tc_staff';
/** The admin API is the only path the cookie is sent to. */
const COOKIE_PATH = '/v1/admin';

/** How a staff session was started; token sessions end when the token leaves OPERATOR_TOKENS. */
export type SessionSource = 'token' | 'oidc';

interface SessionClaims {
  /** Staff name, as recorded in the audit log. */
  n: string;
  r: Role;
  /** Expiry, seconds. */
  e: number;
  s: SessionSource;
}

const encoder = new TextEncoder();
const sessionKeys = new WeakMap<Config, Promise<CryptoKey>>();

function sessionKey(config: Config): Promise<CryptoKey> {
  let key = sessionKeys.get(config);
  if (!key) {
    key = crypto.subtle
      .importKey('raw', config.idHmacKey as Uint8Array<ArrayBuffer>, 'HKDF', false, ['deriveKey'])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode('tricolor staff session v1') },
          base,
          { name: 'HMAC', hash: 'SHA-256', length: 256 },
          false,
          ['sign', 'verify'],
        ),
      );
    sessionKeys.set(config, key);
  }
  return key;
}

/** Starts a session: sets the cookie, returns when it expires. */
export async function issueStaffSession(c: Context<AppEnv>, staff: Operator, source: SessionSource): Promise<number> {
  const expires = c.var.now + TUNABLES.staffSessionSeconds;
  const payload = toBase64Url(
    encoder.encode(JSON.stringify({ n: staff.name, r: staff.role, e: expires, s: source } satisfies SessionClaims)),
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await sessionKey(c.var.config), encoder.encode(payload)));
  setCookie(c, STAFF_COOKIE, `${payload}.${toBase64Url(mac)}`, {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: TUNABLES.staffSessionSeconds,
  });
  return expires;
}

export function endStaffSession(c: Context<AppEnv>): void {
  setCookie(c, STAFF_COOKIE, '', { path: COOKIE_PATH, httpOnly: true, sameSite: 'Strict', maxAge: 0 });
}

/** The staff member a valid, unexpired session cookie names; undefined for anything else. */
async function sessionStaff(c: Context<AppEnv>, cookie: string): Promise<Operator | undefined> {
  if (cookie.length > 600) return undefined;
  const [payload, mac, extra] = cookie.split('.');
  if (!payload || !mac || extra !== undefined) return undefined;
  let claims: SessionClaims;
  try {
    // crypto.subtle.verify compares the MAC in constant time.
    const ok = await crypto.subtle.verify(
      'HMAC',
      await sessionKey(c.var.config),
      fromBase64Url(mac) as Uint8Array<ArrayBuffer>,
      encoder.encode(payload),
    );
    if (!ok) return undefined;
    claims = JSON.parse(new TextDecoder().decode(fromBase64Url(payload))) as SessionClaims;
  } catch {
    return undefined;
  }
  if (typeof claims.e !== 'number' || claims.e <= c.var.now) return undefined;
  if (claims.s === 'token' && !c.var.config.operators.some((o) => o.name === claims.n && o.role === claims.r)) return undefined;
  return { name: claims.n, role: claims.r };
}

/**
 * Every /v1/admin/* request: a bearer token if the request carries an Authorization header,
 * otherwise the session cookie. A cookie-authenticated write must also come from this origin
 * (Origin header): SameSite=Strict already keeps other sites' requests from carrying the cookie.
 */
export const requireStaff = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.header('authorization') !== undefined) {
    c.set('operator', await authenticateBearer(c));
    c.set('staffAuth', 'bearer');
    return next();
  }
  const cookie = getCookie(c, STAFF_COOKIE);
  const staff = cookie ? await sessionStaff(c, cookie) : undefined;
  if (!staff) throw unauthorizedOperator();
  if (!['GET', 'HEAD'].includes(c.req.method) && c.req.header('origin') !== new URL(c.req.url).origin)
    throw new ApiError(403, 'forbidden', 'A signed-in change must come from the console itself.');
  c.set('operator', staff);
  c.set('staffAuth', 'session');
  await next();
});
