// Sign-in through the real dev OpenID provider (scripts/lib/dev-oidc-provider.ts, started by
// vitest.config.ts): the authorization code flow end to end, the holder it creates or reaches,
// the secret cookie, and the refusals at the callback, each with its code and no change.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEV_IDENTITIES } from '../../scripts/lib/dev-identities.ts';
import {
  beginSignIn,
  CookieJar,
  type Declaration,
  finishSignIn,
  holderSecretFrom,
  signInAtProvider,
  signInDevIdentity,
} from '../../scripts/lib/dev-sign-in.ts';
import { count, countingEnv, harness, NO_SYMPTOMS, verifyAt } from './helpers.ts';

const ORIGIN = 'https://issuer.test';
const realNow = () => Math.floor(Date.now() / 1000);
const person = () => `gen-${crypto.randomUUID().slice(0, 12)}`;

async function signIn(h: ReturnType<typeof harness>, login: string, declaration: Declaration = NO_SYMPTOMS) {
  return signInDevIdentity(h.fetch, ORIGIN, login, declaration);
}

describe('sign-in at the identity provider', () => {
  it('creates the holder on the first sign-in and puts its secret in an HttpOnly, Secure, SameSite=Strict cookie for /v1/holders/me', async () => {
    const h = harness(realNow());
    const before = await count('holders');
    const start = await beginSignIn(h.fetch, ORIGIN, NO_SYMPTOMS);
    expect(new URL(start.authorizeUrl).origin).toBe(env.OIDC_ISSUER);
    const params = new URL(start.authorizeUrl).searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const back = await signInAtProvider(start.authorizeUrl, 'wang-xiaoming');
    const callback = await finishSignIn(h.fetch, back, start.workerJar);
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/wallet');
    const cookie = callback.headers.getSetCookie().find((c) => c.startsWith('tc_holder='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/v1\/holders\/me/);
    expect(await count('holders')).toBe(before + 1);
    const secret = holderSecretFrom(callback)!;
    // The wallet's way (the cookie), and a script's way (Bearer).
    const viaCookie = await h.json('GET', '/v1/holders/me/token', { headers: { cookie: `tc_holder=${secret}` } });
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.body.color).toBe('green');
    expect((await h.call('GET', '/v1/holders/me/token', { token: secret })).status).toBe(200);
    expect(await count('audit_log', "holder_id = ? and action = 'holder.enrol'", viaCookie.body.holderId)).toBe(1);
  });

  it('reaches the same holder on a second device, rotates the secret, and tells the first device why its secret stopped working', async () => {
    const h = harness(realNow());
    const login = person();
    const first = await signIn(h, login);
    const firstView = await h.json('GET', '/v1/holders/me/token', { token: first });
    h.clock.t += 30;
    const second = await signIn(h, login);
    expect(second).not.toBe(first);
    const secondView = await h.json('GET', '/v1/holders/me/token', { token: second });
    expect(secondView.body.holderId).toBe(firstView.body.holderId);
    const old = await h.json('GET', '/v1/holders/me/token', { token: first });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('secret_replaced');
    expect(await count('audit_log', "holder_id = ? and action = 'holder.secret_rotated'", firstView.body.holderId)).toBe(1);
    expect(await count('holders', 'id = ?', firstView.body.holderId)).toBe(1);
  });

  it("keeps the victim's own way back: after a takeover attempt, the victim's sign-in reaches their holder (no lockout)", async () => {
    const h = harness(realNow());
    const zhang = DEV_IDENTITIES.find((p) => p.login === 'li-na')!;
    const mine = await signIn(h, zhang.login);
    const before = (await h.json('GET', '/v1/holders/me/token', { token: mine })).body;
    // The attack of the old API: the victim's ID number, the masked name, the attacker's phone.
    const attack = await h.json('POST', '/v1/holders', {
      json: { name: '李 ', idNumber: zhang.idNumber, phone: '13900139000', declaration: { ...NO_SYMPTOMS, contactWithCase: true } },
    });
    expect(attack.status).toBe(404);
    h.clock.t += 60;
    // Recovery on a new phone: the same holder, still green, a fresh secret; never a 409.
    const again = await signIn(h, zhang.login);
    const after = await h.json('GET', '/v1/holders/me/token', { token: again });
    expect([after.status, after.body.holderId, after.body.color]).toEqual([200, before.holderId, 'green']);
  });

  it('applies a stricter declaration at a later sign-in and never a milder one', async () => {
    const h = harness(realNow());
    const login = person();
    await signIn(h, login, { ...NO_SYMPTOMS, symptoms: true });
    h.clock.t += 60;
    const red = await signIn(h, login, { ...NO_SYMPTOMS, contactWithCase: true });
    expect((await h.json('GET', '/v1/holders/me/token', { token: red })).body.color).toBe('red');
    h.clock.t += 60;
    const again = await signIn(h, login, NO_SYMPTOMS);
    expect((await h.json('GET', '/v1/holders/me/token', { token: again })).body.color).toBe('red');
  });

  it('carries the verified birth year and masked name in the token', async () => {
    const h = harness(realNow());
    const zhang = DEV_IDENTITIES.find((p) => p.login === 'zhang-san')!;
    const secret = await signIn(h, zhang.login);
    const { body } = await h.json('GET', '/v1/holders/me/token', { token: secret });
    const verified = await verifyAt(h, body.token);
    expect(verified).toMatchObject({ ok: true, claims: { maskedName: '张*', birthYear: 1985 } });
  });
});

describe('refusals at the callback: a stable code, a recorded failure, and no holder touched', () => {
  async function refused(callback: Response, code: string): Promise<void> {
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe(`/wallet#sign-in-error=${code}`);
    expect(holderSecretFrom(callback)).toBeUndefined();
    expect(await count('audit_log', "action = 'sign_in.failed' and detail = ?", JSON.stringify({ reason: code }))).toBeGreaterThan(0);
  }

  it('refuses an ID number with a wrong GB 11643 check digit (id_number_invalid)', async () => {
    const h = harness(realNow());
    const before = await count('holders');
    const start = await beginSignIn(h.fetch, ORIGIN, NO_SYMPTOMS);
    const back = await signInAtProvider(start.authorizeUrl, 'bad-check-digit');
    await refused(await finishSignIn(h.fetch, back, start.workerJar), 'id_number_invalid');
    expect(await count('holders')).toBe(before);
  });

  it('refuses a state that is not the one this browser started with (state_mismatch)', async () => {
    const h = harness(realNow());
    const before = await count('holders');
    const mine = await beginSignIn(h.fetch, ORIGIN, NO_SYMPTOMS);
    const theirs = await beginSignIn(h.fetch, ORIGIN, NO_SYMPTOMS);
    // Login CSRF: the attacker's callback URL, opened in the victim's browser.
    const back = await signInAtProvider(theirs.authorizeUrl, person());
    await refused(await finishSignIn(h.fetch, back, mine.workerJar), 'state_mismatch');
    await refused(await finishSignIn(h.fetch, back, new CookieJar()), 'state_mismatch');
    expect(await count('holders')).toBe(before);
  });

  it('refuses a replayed callback: the sign-in is single use (sign_in_expired)', async () => {
    const h = harness(realNow());
    const start = await beginSignIn(h.fetch, ORIGIN, NO_SYMPTOMS);
    const back = await signInAtProvider(start.authorizeUrl, person());
    const first = await finishSignIn(h.fetch, back, start.workerJar);
    expect(holderSecretFrom(first)).toBeDefined();
    const holders = await count('holders');
    const rotations = await count('audit_log', "action = 'holder.secret_rotated'");
    await refused(await finishSignIn(h.fetch, back, start.workerJar), 'sign_in_expired');
    expect(await count('holders')).toBe(holders);
    expect(await count('audit_log', "action = 'holder.secret_rotated'")).toBe(rotations);
  });

  it('refuses a sign-in that comes back too late (sign_in_expired)', async () => {
    const h = harness(realNow());
    const before = await count('holders');
    const start = await beginSignIn(h.fetch, ORIGIN, NO_SYMPTOMS);
    const back = await signInAtProvider(start.authorizeUrl, person());
    h.clock.t += 601;
    await refused(await finishSignIn(h.fetch, back, start.workerJar), 'sign_in_expired');
    expect(await count('holders')).toBe(before);
  });

  it('refuses a provider error and a callback without a code (provider_refused)', async () => {
    const h = harness(realNow());
    const start = await beginSignIn(h.fetch, ORIGIN, NO_SYMPTOMS);
    const state = new URL(start.authorizeUrl).searchParams.get('state')!;
    const denied = new Request(`${ORIGIN}/v1/auth/callback?error=access_denied&state=${state}`, {
      headers: { cookie: start.workerJar.header() },
    });
    await refused(await h.fetch(denied), 'provider_refused');
  });

  it('refuses a response that names another issuer (RFC 9207 mix-up, issuer_mismatch)', async () => {
    const h = harness(realNow());
    const start = await beginSignIn(h.fetch, ORIGIN, NO_SYMPTOMS);
    const back = new URL(await signInAtProvider(start.authorizeUrl, person()));
    expect(back.searchParams.get('iss')).toBe(env.OIDC_ISSUER);
    back.searchParams.set('iss', env.TEST_OIDC_UNTRUSTED_URL);
    await refused(await finishSignIn(h.fetch, back.toString(), start.workerJar), 'issuer_mismatch');
  });

  it('refuses a code the provider did not issue to this sign-in (token_exchange_failed)', async () => {
    const h = harness(realNow());
    const before = await count('holders');
    const start = await beginSignIn(h.fetch, ORIGIN, NO_SYMPTOMS);
    const state = new URL(start.authorizeUrl).searchParams.get('state')!;
    const forged = new Request(`${ORIGIN}/v1/auth/callback?code=forged-code&state=${state}`, {
      headers: { cookie: start.workerJar.header() },
    });
    await refused(await h.fetch(forged), 'token_exchange_failed');
    expect(await count('holders')).toBe(before);
  });
});

describe('abuse', () => {
  it('rate-limits failed holder authentication per client before any D1 read (429 + Retry-After)', async () => {
    const h = harness(realNow());
    const counting = countingEnv({ ...env, HOLDER_AUTH_FAILURE_RATE_LIMIT: env.TEST_HOLDER_AUTH_FAILURE_RATE_LIMIT });
    // Correctly shaped (32 bytes of base64url) but never minted by this issuer.
    const bogus = () =>
      btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
        .replaceAll('+', '-')
        .replaceAll('/', '_')
        .replace(/=+$/, '');
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 7; i++) {
      last = await h.call('GET', '/v1/holders/me/token', {
        token: bogus(),
        env: counting.env,
        headers: { 'cf-connecting-ip': '198.51.100.7' },
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(last!.headers.get('retry-after')).toBe('60');
    expect(counting.calls()).toBe(0);
  });

  it('answers 503 sign_in_unavailable and writes nothing when no provider is configured', async () => {
    const h = harness(realNow());
    const res = await h.json('POST', '/v1/auth/start', {
      body: 'symptoms=on',
      contentType: 'application/x-www-form-urlencoded',
      env: { ...env, OIDC_ISSUER: undefined as unknown as string },
    });
    expect([res.status, res.body.error.code]).toEqual([503, 'sign_in_unavailable']);
  });

  it('refuses a start form with unknown fields (400) or as JSON (415)', async () => {
    const h = harness(realNow());
    const extra = await h.json('POST', '/v1/auth/start', {
      body: 'idNumber=330106199003071236',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect([extra.status, extra.body.error.code]).toEqual([400, 'validation_failed']);
    const json = await h.json('POST', '/v1/auth/start', { json: { symptoms: true } });
    expect([json.status, json.body.error.code]).toEqual([415, 'unsupported_media_type']);
  });
});
