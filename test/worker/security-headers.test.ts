// Every response the Worker makes carries the data-response security headers
// (worker/http/security-headers.ts, docs/operations.md "Security headers"): successes, errors,
// 404s and answers from the edge cache alike. The pages' own policies are checked in Chromium
// (test/web/security-headers.test.ts).
import { describe, expect, it } from 'vitest';
import { harness } from './helpers.ts';

const EXPECTED = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

describe('security headers on Worker responses', () => {
  it.each([
    ['GET', '/v1/trust-list'],
    ['GET', '/v1/revocations?since=0'],
    ['GET', '/healthz'],
    ['GET', '/v1/no-such-route'],
    ['GET', '/v1/holders/me/token'], // 401
    ['DELETE', '/v1/trust-list'], // 405
  ])('%s %s', async (method, path) => {
    const h = harness();
    const res = await h.call(method, path);
    for (const [name, value] of Object.entries(EXPECTED)) expect(res.headers.get(name), name).toBe(value);
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; frame-ancestors 'none'/);
  });

  it('are also on a response served from the edge cache', async () => {
    const h = harness(undefined, { edgeCache: await caches.open(`headers-${crypto.randomUUID()}`) });
    await h.call('GET', '/v1/revocations?since=0');
    const cached = await h.call('GET', '/v1/revocations?since=0');
    expect(cached.headers.get('strict-transport-security')).toBe(EXPECTED['strict-transport-security']);
  });
});
