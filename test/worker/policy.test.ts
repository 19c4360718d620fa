// The status policy is configuration (TIME_ZONE, STATUS_POLICY), not constants: the same API
// behaves differently under a different zone or policy, and a malformed value is reported by name.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { enrol, harness, NO_SYMPTOMS, type TestEnv } from './helpers.ts';

const RED = { ...NO_SYMPTOMS, contactWithCase: true };

describe('status policy from configuration', () => {
  it('counts isolation in local calendar days across a daylight-saving change (Europe/Berlin: 14 days = 335 hours)', async () => {
    const berlin: TestEnv = { ...env, TIME_ZONE: 'Europe/Berlin' };
    const start = Date.UTC(2026, 2, 20, 9) / 1000; // 2026-03-20 10:00 CET; clocks go forward on 03-29
    const h = harness(start);
    const body = await enrol(h, { name: 'Anna Schmidt', declaration: RED, env: berlin });
    const isolationEnd = Date.UTC(2026, 3, 3, 8) / 1000; // 2026-04-03 10:00 CEST
    expect(isolationEnd - start).toBe(14 * 86400 - 3600);
    expect(body.status).toMatchObject({ color: 'red', until: isolationEnd });
  });

  it('splits check-in days at local midnight in the configured zone', async () => {
    const berlin: TestEnv = { ...env, TIME_ZONE: 'Europe/Berlin' };
    const h = harness(Date.UTC(2026, 5, 1, 21, 59, 59) / 1000); // 23:59:59 CEST
    const holder = await enrol(h, {});
    const late = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret, env: berlin });
    h.clock.t += 1;
    const early = await h.json('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret, env: berlin });
    expect([late.body.day, early.body.day]).toEqual(['2026-06-01', '2026-06-02']);
    expect([late.body.counted, early.body.counted]).toEqual([true, true]);
  });

  it('takes isolation days, required check-ins and declaration rules from STATUS_POLICY', async () => {
    const custom: TestEnv = {
      ...env,
      STATUS_POLICY: JSON.stringify({ isolationDays: { red: 10 }, requiredCheckins: { red: 0 }, declaration: { fromHighRiskArea: 'red' } }),
    };
    const h = harness();
    const start = h.clock.t;
    const body = await enrol(h, { name: 'Zhao Liu', declaration: { ...NO_SYMPTOMS, fromHighRiskArea: true }, env: custom });
    expect(body.status).toMatchObject({ color: 'red', until: start + 10 * 86400 });
    h.clock.t = start + 10 * 86400; // time only: no check-ins needed
    const token = await h.json('GET', '/v1/holders/me/token', { token: body.secret, env: custom });
    expect(token.body.status).toEqual({ color: 'green', since: start + 10 * 86400 });
  });

  it.each([
    ['TIME_ZONE', 'Mars/Olympus_Mons', 'TIME_ZONE is not an IANA time zone this runtime knows'],
    ['STATUS_POLICY', '{"isolationDays": {"red": 0}}', 'STATUS_POLICY isolationDays.red'],
    ['STATUS_POLICY', '{"quarantine": 3}', 'STATUS_POLICY'],
    ['TOKEN_LIFETIME_SECONDS', '0.5', 'TOKEN_LIFETIME_SECONDS must be an integer from 600 to 2592000'],
    ['ID_HMAC_KEY', 'c2hvcnQ', 'ID_HMAC_KEY must be base64url of at least 32 bytes'],
    ['FEED_KEY', 'c2hvcnQ', 'FEED_KEY must be base64url of at least 32 bytes'],
    // 31 bytes: one short of what an HMAC-SHA-256 key for the window permutations needs.
    ['FEED_KEY', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'FEED_KEY must be base64url of at least 32 bytes'],
    ['FEED_KEYS_RETIRED', '["c2hvcnQ"]', 'FEED_KEYS_RETIRED must be base64url of at least 32 bytes'],
    ['FEED_KEYS_RETIRED', '{"a": 1}', 'FEED_KEYS_RETIRED must be a JSON array of base64url keys'],
    ['WINDOW_HEADROOM_PER_BUCKET', '0', 'WINDOW_HEADROOM_PER_BUCKET must be a whole number from 1 to 65536'],
    ['SIGNING_KEYS', '{"not-a-kid": "x"}', 'SIGNING_KEYS keys must be 16 hex digits'],
    ['OPERATOR_TOKENS', '[{"name": "x", "role": "root", "sha256": "00"}]', 'OPERATOR_TOKENS'],
  ])('reports a malformed %s by name (500 misconfigured), never by value', async (name, value, message) => {
    const h = harness();
    const { status, body } = await h.json('GET', '/healthz', { env: { ...env, [name]: value } });
    expect([status, body.error.code]).toEqual([500, 'misconfigured']);
    expect(body.error.message).toContain(message);
    expect(body.error.message).not.toContain(value);
  });

  it('refuses to run without FEED_KEY (500 misconfigured): tokens cannot be indexed without it', async () => {
    const h = harness();
    const { FEED_KEY: _, ...withoutFeedKey } = env;
    const { status, body } = await h.json('GET', '/healthz', { env: withoutFeedKey as TestEnv });
    expect([status, body.error.code]).toEqual([500, 'misconfigured']);
    expect(body.error.message).toContain('FEED_KEY is not set');
  });
});
