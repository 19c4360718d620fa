// Per-client rate limits (docs/api.md#rate-limits): enrolment by client address, token fetch by holder, 429 with
// Retry-After, through the real routes and Miniflare's implementation of the Workers Rate
// Limiting binding. vitest.config.ts binds tight limiters (5 a minute) as TEST_*; these tests
// swap them in for the production bindings, which the functional suites run with raised limits.
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { clientAddressKey } from '../../worker/http/client-address.ts';
import { count, countingEnv, enrol, harness, type TestEnv } from './helpers.ts';

// awayFromWindowEdge may wait a few seconds on top of the test itself.
vi.setConfig({ testTimeout: 15_000 });

/** The TEST_* limiters allow this many calls per key and minute. */
const LIMIT = 5;

const limitedEnv = (): TestEnv => ({
  ...env,
  ENROL_RATE_LIMIT: env.TEST_ENROL_RATE_LIMIT,
  TOKEN_RATE_LIMIT: env.TEST_TOKEN_RATE_LIMIT,
  FEED_RATE_LIMIT: env.TEST_FEED_RATE_LIMIT,
  CHECKIN_RATE_LIMIT: env.TEST_CHECKIN_RATE_LIMIT,
});

/**
 * Miniflare counts in fixed 60 s windows aligned to the wall clock. A burst that straddled a
 * boundary would start a fresh count half way, so wait for a new window when one is near (a
 * burst takes well under a second; 5 s of margin).
 */
async function awayFromWindowEdge(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 55_000) await new Promise((r) => setTimeout(r, 60_000 - into + 200));
}

let octet = 0;
/** A client address no other test uses (the limiter keeps counting across tests in a file). */
function freshAddress(): string {
  octet++;
  const r = crypto.getRandomValues(new Uint8Array(2));
  return `10.${r[0]}.${r[1]}.${octet}`;
}

/** A sign-in start (POST /v1/auth/start): 303 to the provider, or 429 once over the limit. */
async function enrolFrom(h: ReturnType<typeof harness>, address: string, testEnv: TestEnv) {
  const res = await h.call('POST', '/v1/auth/start', {
    body: '',
    contentType: 'application/x-www-form-urlencoded',
    headers: { 'cf-connecting-ip': address },
    env: testEnv,
  });
  return { status: res.status, body: res.status === 303 ? {} : ((await res.json()) as any), res };
}

describe('sign-in is rate-limited per client address', () => {
  it('answers the sixth sign-in from one address within a minute with 429 and Retry-After, writing nothing', async () => {
    await awayFromWindowEdge();
    const h = harness();
    const e = limitedEnv();
    const address = freshAddress();
    for (let i = 0; i < LIMIT; i++) expect((await enrolFrom(h, address, e)).status).toBe(303);
    const before = await count('sign_ins');
    const refused = await enrolFrom(h, address, e);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.res.headers.get('retry-after')).toBe('60');
    expect(refused.res.headers.get('cache-control')).toBe('no-store');
    expect(await count('sign_ins')).toBe(before);
    // Another client is not affected.
    expect((await enrolFrom(h, freshAddress(), e)).status).toBe(303);
  });

  it('refuses an over-limit client before reading its body', async () => {
    await awayFromWindowEdge();
    const h = harness();
    const e = limitedEnv();
    const address = freshAddress();
    for (let i = 0; i < LIMIT; i++) await enrolFrom(h, address, e);
    const garbage = await h.json('POST', '/v1/auth/start', {
      body: 'not=a&form=at-all',
      contentType: 'application/x-www-form-urlencoded',
      headers: { 'cf-connecting-ip': address },
      env: e,
    });
    expect([garbage.status, garbage.body.error.code]).toEqual([429, 'rate_limited']);
  });

  it('counts every address of one IPv6 /64 as one client, and another /64 separately', async () => {
    await awayFromWindowEdge();
    const h = harness();
    const e = limitedEnv();
    const r = crypto.getRandomValues(new Uint16Array(2));
    const prefix = `2001:db8:${r[0]!.toString(16)}:${r[1]!.toString(16)}`;
    for (let i = 1; i <= LIMIT; i++) expect((await enrolFrom(h, `${prefix}::${i}`, e)).status).toBe(303);
    expect((await enrolFrom(h, `${prefix}:ffff:1:2:3`, e)).status).toBe(429);
    expect((await enrolFrom(h, `2001:db8:${r[0]!.toString(16)}:${((r[1]! + 1) & 0xffff).toString(16)}::1`, e)).status).toBe(303);
  });
});

describe('token fetch is rate-limited per holder', () => {
  it('answers the sixth fetch by one holder within a minute with 429 and Retry-After, and serves other holders', async () => {
    await awayFromWindowEdge();
    const h = harness();
    const e = limitedEnv();
    const a = await enrol(h);
    const b = await enrol(h);
    for (let i = 0; i < LIMIT; i++) expect((await h.call('GET', '/v1/holders/me/token', { token: a.secret, env: e })).status).toBe(200);
    const refused = await h.json('GET', '/v1/holders/me/token', { token: a.secret, env: e });
    expect([refused.status, refused.body.error.code, refused.res.headers.get('retry-after')]).toEqual([429, 'rate_limited', '60']);
    expect((await h.call('GET', '/v1/holders/me/token', { token: b.secret, env: e })).status).toBe(200);
  });

  it('keeps counting for a holder who signs in again to get a new secret', async () => {
    await awayFromWindowEdge();
    const h = harness();
    const e = limitedEnv();
    const first = await enrol(h);
    for (let i = 0; i < LIMIT; i++) await h.call('GET', '/v1/holders/me/token', { token: first.secret, env: e });
    const again = await enrol(h, { idNumber: first.idNumber });
    expect(again.holderId).toBe(first.holderId);
    expect((await h.call('GET', '/v1/holders/me/token', { token: again.secret, env: e })).status).toBe(429);
  });

  it('answers a wrong secret 401, not 429: the holder limit never reveals whether a secret exists', async () => {
    const h = harness();
    const e = limitedEnv();
    for (let i = 0; i < LIMIT + 2; i++)
      expect((await h.call('GET', '/v1/holders/me/token', { token: 'B'.repeat(43), env: e })).status).toBe(401);
  });
});

describe('the revocation feed is rate-limited per client address', () => {
  it('answers the sixth poll from one address within a minute with 429 and Retry-After, whatever the since', async () => {
    await awayFromWindowEdge();
    const h = harness();
    const e = limitedEnv();
    const address = freshAddress();
    const poll = (since: number) => h.call('GET', `/v1/revocations?since=${since}`, { headers: { 'cf-connecting-ip': address }, env: e });
    for (let i = 0; i < LIMIT; i++) expect((await poll(1_000_000 + i)).status).toBe(200);
    const { env: counted, calls } = countingEnv(e);
    const refused = await h.json('GET', '/v1/revocations?since=2000000', { headers: { 'cf-connecting-ip': address }, env: counted });
    expect([refused.status, refused.body.error.code, refused.res.headers.get('retry-after')]).toEqual([429, 'rate_limited', '60']);
    expect(calls()).toBe(0);
    const other = await h.call('GET', '/v1/revocations?since=0', { headers: { 'cf-connecting-ip': freshAddress() }, env: e });
    expect(other.status).toBe(200);
  });
});

describe('check-ins are rate-limited per holder', () => {
  it('answers the sixth check-in by one holder within a minute with 429 and Retry-After, and serves other holders', async () => {
    await awayFromWindowEdge();
    const h = harness();
    const e = limitedEnv();
    const a = await enrol(h);
    const b = await enrol(h);
    const checkin = (secret: string) => h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: secret, env: e });
    for (let i = 0; i < LIMIT; i++) expect((await checkin(a.secret)).status).not.toBe(429);
    const refused = await checkin(a.secret);
    expect([refused.status, refused.body.error.code, refused.res.headers.get('retry-after')]).toEqual([429, 'rate_limited', '60']);
    expect((await checkin(b.secret)).status).not.toBe(429);
  });
});

describe('when the limiter fails', () => {
  it('lets enrolment and token fetch through rather than lock holders out', async () => {
    const h = harness();
    const broken = { limit: async () => Promise.reject(new Error('limiter down')) } as unknown as RateLimit;
    const e = { ...env, ENROL_RATE_LIMIT: broken, TOKEN_RATE_LIMIT: broken };
    expect((await enrolFrom(h, freshAddress(), e)).status).toBe(303);
    const enrolled = await enrol(h);
    expect((await h.call('GET', '/v1/holders/me/token', { token: enrolled.secret, env: e })).status).toBe(200);
  });
});

describe('the client key', () => {
  it.each([
    ['203.0.113.7', 'ip4:203.0.113.7'],
    [' 203.0.113.7 ', 'ip4:203.0.113.7'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', 'ip6:2001:db8:85a3:8d3/64'],
    ['2001:DB8:85A3:08D3::1', 'ip6:2001:db8:85a3:8d3/64'],
    ['2001:db8::', 'ip6:2001:db8:0:0/64'],
    ['::1', 'ip6:0:0:0:0/64'],
    ['::ffff:203.0.113.7', 'ip6:0:0:0:0/64'],
    ['fe80::1%eth0', 'ip6:fe80:0:0:0/64'],
  ])('keys %j as %s', (header, key) => {
    expect(clientAddressKey(header)).toBe(key);
  });

  it.each([
    undefined,
    '',
    'localhost',
    '999.1.1.1',
    '1.2.3',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    "1.2.3.4'; drop table holders;--",
    'x'.repeat(100),
  ])('keys the missing or malformed header %j as unknown', (header) => {
    expect(clientAddressKey(header)).toBe('unknown');
  });
});
