// Staff sign-in to the console through the real dev OpenID provider (started by vitest.config.ts,
// test/worker/identity-providers.ts): the role comes from the configured claim, a success starts
// the staff session cookie and is audited, and every refusal carries a stable code and changes
// nothing (no cookie, no session; only a `staff.signin_failed` audit row with the code).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { beginSignIn, beginStaffSignIn, CookieJar, devIdToken, finishSignIn, signInAtProvider } from '../../scripts/lib/dev-sign-in.ts';
import { configFor } from '../../worker/config.ts';
import { ProviderMetadataCache } from '../../worker/identity/provider.ts';
import { verifyStaffIdToken } from '../../worker/identity/staff.ts';
import { count, enrol, harness, NO_SYMPTOMS, operatorToken } from './helpers.ts';

const ORIGIN = 'https://issuer.test';
const realNow = () => Math.floor(Date.now() / 1000);
const idc = configFor(env).identity!;
/** test/worker/identity-providers.ts registers it (that module runs in Node, not in workerd). */
const TEST_STAFF_REDIRECT_URI = `${ORIGIN}/v1/auth/staff/callback`;

/** The whole staff flow for a dev login; the Worker's answer at the callback. */
async function staffSignIn(h: ReturnType<typeof harness>, login: string): Promise<Response> {
  const start = await beginStaffSignIn(h.fetch, ORIGIN);
  const back = await signInAtProvider(start.authorizeUrl, login);
  expect(back.startsWith(`${ORIGIN}/v1/auth/staff/callback?`)).toBe(true);
  return finishSignIn(h.fetch, back, start.workerJar);
}

function staffCookie(res: Response): string | undefined {
  const jar = new CookieJar();
  jar.take(res);
  return jar.get('tc_staff');
}

describe('staff sign-in through the identity provider', () => {
  it('signs the dev operator in: a staff session cookie with the role from the claim, audited, that can change a status', async () => {
    const h = harness(realNow());
    const before = await count('audit_log', "action = 'staff.signin' and actor = 'Dev Operator'");
    const start = await beginStaffSignIn(h.fetch, ORIGIN);
    const params = new URL(start.authorizeUrl).searchParams;
    expect(params.get('redirect_uri')).toBe(TEST_STAFF_REDIRECT_URI);
    expect(params.get('scope')).toBe('openid profile staff');
    expect(params.get('code_challenge_method')).toBe('S256');
    const callback = await finishSignIn(h.fetch, await signInAtProvider(start.authorizeUrl, 'dev-operator'), start.workerJar);
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/console');
    const setCookie = callback.headers.getSetCookie().find((c) => c.startsWith('tc_staff='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/v1\/admin/);
    const cookie = `tc_staff=${staffCookie(callback)}`;
    const session = await h.json('GET', '/v1/admin/session', { headers: { cookie } });
    expect(session.body).toMatchObject({ name: 'Dev Operator', role: 'operator', via: 'session' });
    expect(await count('audit_log', "action = 'staff.signin' and actor = 'Dev Operator' and detail like '%\"via\":\"oidc\"%'")).toBe(
      before + 1,
    );
    const holder = await enrol(h);
    const changed = await h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, {
      json: { color: 'red', reason: 'lab result' },
      headers: { cookie, origin: ORIGIN },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.changed).toBe(true);
    expect(await count('audit_log', "action = 'status.set' and actor = 'Dev Operator' and holder_id = ?", holder.holderId)).toBe(1);
  });

  it('signs the dev auditor in with the auditor role: reads, and the Worker refuses a change', async () => {
    const h = harness(realNow());
    const cookie = `tc_staff=${staffCookie(await staffSignIn(h, 'dev-auditor'))}`;
    const session = await h.json('GET', '/v1/admin/session', { headers: { cookie } });
    expect(session.body).toMatchObject({ name: 'Dev Auditor', role: 'auditor' });
    const holder = await enrol(h);
    expect((await h.json('GET', `/v1/admin/holders/${holder.holderId}`, { headers: { cookie } })).status).toBe(200);
    const refused = await h.json('PUT', `/v1/admin/holders/${holder.holderId}/status`, {
      json: { color: 'red', reason: 'auditor attempt' },
      headers: { cookie, origin: ORIGIN },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(1);
  });

  it.each([
    ['a person with no role claim (a holder identity)', 'wang-xiaoming', 'staff_role_missing'],
    ['a role the Worker does not know', 'dev-unknown-role', 'staff_role_unknown'],
  ])('refuses %s (login %s) with %s, and starts no session', async (_what, login, code) => {
    const h = harness(realNow());
    const failed = await count('audit_log', "action = 'staff.signin_failed' and detail = ?", JSON.stringify({ reason: code }));
    const signins = await count('audit_log', "action = 'staff.signin'");
    const callback = await staffSignIn(h, login);
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe(`/console#sign-in-error=${code}`);
    expect(staffCookie(callback)).toBeUndefined();
    expect(await count('audit_log', "action = 'staff.signin_failed' and detail = ?", JSON.stringify({ reason: code }))).toBe(failed + 1);
    expect(await count('audit_log', "action = 'staff.signin'")).toBe(signins);
  });

  it('refuses a staff ID token issued to another client (wrong aud), even with a valid role', async () => {
    const provider = await new ProviderMetadataCache().get(idc.issuer, realNow());
    const other = {
      providerUrl: env.OIDC_ISSUER!,
      clientId: env.TEST_OIDC_OTHER_CLIENT_ID,
      clientSecret: env.TEST_OIDC_OTHER_CLIENT_SECRET,
      redirectUri: TEST_STAFF_REDIRECT_URI,
    };
    const x = {
      keys: provider.keys,
      issuer: idc.issuer,
      clientId: idc.clientId,
      alg: idc.alg,
      nonce: 'n-staff',
      now: realNow(),
      roleClaim: idc.staff.roleClaim,
      nameClaim: idc.claims.name,
    };
    const foreign = await devIdToken(other, 'dev-operator', 'n-staff', 'openid profile staff');
    expect(await verifyStaffIdToken(foreign, x)).toEqual({ ok: false, reason: 'id_token_audience' });
    // The same person through this Worker's own client passes: the audience is what was refused.
    const own = await devIdToken(
      { ...other, clientId: idc.clientId, clientSecret: idc.clientSecret },
      'dev-operator',
      'n-staff',
      'openid profile staff',
    );
    expect(await verifyStaffIdToken(own, x)).toEqual({ ok: true, staff: { name: 'Dev Operator', role: 'operator' } });
  });

  it("does not let one flow's state finish the other: a holder sign-in at the staff callback is a state mismatch", async () => {
    const h = harness(realNow());
    const holderStart = await beginSignIn(h.fetch, ORIGIN, NO_SYMPTOMS);
    const back = new URL(await signInAtProvider(holderStart.authorizeUrl, 'dev-operator'));
    // The holder flow's code and state, carried to the staff callback with a matching staff cookie.
    const forged = `${ORIGIN}/v1/auth/staff/callback${back.search}`;
    const jar = `tc_staff_sign_in=${back.searchParams.get('state')}`;
    const res = await h.fetch(new Request(forged, { headers: { cookie: jar }, redirect: 'manual' }));
    expect(res.headers.get('location')).toBe('/console#sign-in-error=state_mismatch');
    expect(staffCookie(res)).toBeUndefined();
  });

  it("and the other way: a staff sign-in's state at the holders' callback creates no holder", async () => {
    const h = harness(realNow());
    const holders = await count('holders');
    const start = await beginStaffSignIn(h.fetch, ORIGIN);
    const back = new URL(await signInAtProvider(start.authorizeUrl, 'dev-operator'));
    const res = await h.fetch(
      new Request(`${ORIGIN}/v1/auth/callback${back.search}`, {
        headers: { cookie: `tc_sign_in=${back.searchParams.get('state')}` },
        redirect: 'manual',
      }),
    );
    expect(res.headers.get('location')).toBe('/wallet#sign-in-error=state_mismatch');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('tc_holder='))).toBe(false);
    expect(await count('holders')).toBe(holders);
  });

  it('keeps bearer operator tokens working for automation', async () => {
    const h = harness(realNow());
    const session = await h.json('GET', '/v1/admin/session', { token: operatorToken() });
    expect(session.body).toMatchObject({ role: 'operator', via: 'bearer' });
  });
});
