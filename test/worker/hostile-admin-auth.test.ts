// Every admin route, enumerated from the router itself (Hono's app.routes), refuses missing,
// wrong and auditor-for-write credentials before any D1 call. A route added later under
// /v1/admin is covered without touching this file.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app.ts';
import { auditorToken, countingEnv, enrol, harness, operatorToken } from './helpers.ts';

const ADMIN_PREFIX = '/v1/admin';

/** Routes with a real handler (middleware and the 405 fallbacks are registered as ALL). */
function adminRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  const out: { method: string; path: string }[] = [];
  for (const r of createApp().routes) {
    if (r.method === 'ALL' || !r.path.startsWith(ADMIN_PREFIX)) continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method, path: r.path });
  }
  return out;
}

/** Fills path parameters with a value every parameter schema accepts (a holder id's shape). */
function concrete(path: string): string {
  return path.replace(/\/:[^/]+/g, '/aaaaaaaaaaaaaaaa').replace(/\/\*$/, '/anything');
}

/** A body the route would accept if the credential did, so a missing check could not hide behind a 400. */
function plausibleBody(path: string): { body: BodyInit; contentType: string } {
  if (path.endsWith('/import')) return { body: 'idNumber,color,reason\n1234,red,x\n', contentType: 'text/csv' };
  if (path.endsWith('/trust-list')) return { body: new Uint8Array([0xd2, 0x84]), contentType: 'application/cose' };
  if (path.endsWith('/lookup'))
    return { body: JSON.stringify({ code: { window: 1, epoch: 0, windowIndex: 5 } }), contentType: 'application/json' };
  return { body: JSON.stringify({ color: 'red', reason: 'x' }), contentType: 'application/json' };
}

const ROUTES = adminRoutes();
/** Signing in and out changes only the caller's own session, which an auditor does too (docs/console.md). */
const OWN_SESSION = '/v1/admin/session';
/** Reads sent as POST so that what they look up (an ID number) stays out of URLs and logs. */
const READS_BY_POST = ['/v1/admin/holders/lookup'];
const WRITES = ROUTES.filter((r) => r.method !== 'GET' && r.path !== OWN_SESSION && !READS_BY_POST.includes(r.path));

describe('admin routes as the router lists them', () => {
  it('finds every documented admin route, so the enumeration itself cannot silently come back empty', () => {
    expect(ROUTES.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /v1/admin/holders/:holderId',
        'PUT /v1/admin/holders/:holderId/status',
        'POST /v1/admin/holders/import',
        'GET /v1/admin/audit',
        'PUT /v1/admin/trust-list',
        'POST /v1/admin/holders/lookup',
      ]),
    );
  });

  it.each(ROUTES.map((r) => [r.method, r.path]))(
    '%s %s answers 401 to a missing or wrong credential without a D1 call',
    async (method, path) => {
      const h = harness();
      const holder = await enrol(h);
      const credentials: [string, Record<string, string>][] = [
        ['no header', {}],
        ['an empty bearer', { authorization: 'Bearer ' }],
        ['a wrong token', { authorization: `Bearer ${'x'.repeat(43)}` }],
        ['the operator token with a byte more', { authorization: `Bearer ${operatorToken()}A` }],
        ['the operator token cut short', { authorization: `Bearer ${operatorToken().slice(0, -1)}` }],
        ['the operator token as Basic auth', { authorization: `Basic ${btoa(`operator:${operatorToken()}`)}` }],
        ['the operator token in another header', { 'x-operator-token': operatorToken() }],
        ['the token hash instead of the token', { authorization: `Bearer ${JSON.parse(env.OPERATOR_TOKENS)[0].sha256}` }],
        ['a holder secret', { authorization: `Bearer ${holder.secret}` }],
      ];
      for (const [what, headers] of credentials) {
        const { env: counted, calls } = countingEnv();
        const res = await h.json(method, concrete(path), { ...(method === 'GET' ? {} : plausibleBody(path)), headers, env: counted });
        expect([what, res.status, res.body.error.code]).toEqual([what, 401, 'unauthorized']);
        expect(res.res.headers.get('www-authenticate')).toContain('Bearer');
        expect([what, calls()]).toEqual([what, 0]);
      }
    },
  );

  it.each(WRITES.map((r) => [r.method, r.path]))('%s %s answers 403 to the auditor without a D1 call', async (method, path) => {
    const h = harness();
    const { env: counted, calls } = countingEnv();
    const res = await h.json(method, concrete(path), { ...plausibleBody(path), token: auditorToken(), env: counted });
    expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
    expect(calls()).toBe(0);
  });

  // The session routes are the auditor's own sign-in and sign-out: test/worker/console-admin.test.ts.
  it.each(ROUTES.filter((r) => !WRITES.includes(r) && r.path !== OWN_SESSION).map((r) => [r.method, r.path]))(
    '%s %s lets the auditor read',
    async (method, path) => {
      const h = harness();
      const res = await h.call(method, concrete(path), { ...(method === 'GET' ? {} : plausibleBody(path)), token: auditorToken() });
      // 404 for the placeholder holder is fine: the credential was accepted.
      expect([200, 404]).toContain(res.status);
    },
  );

  it.each([...new Set(ROUTES.map((r) => r.path))])('%s answers 401, not 405, to an unlisted method without a credential', async (path) => {
    const h = harness();
    for (const method of ['DELETE', 'PATCH', 'POST', 'PUT', 'GET']) {
      if (ROUTES.some((r) => r.path === path && r.method === method)) continue;
      const { env: counted, calls } = countingEnv();
      const res = await h.call(method, concrete(path), { env: counted });
      expect([method, res.status, calls()]).toEqual([method, 401, 0]);
    }
  });

  it('answers 401 anywhere under the admin prefix, however the path is spelled, before knowing whether a route exists', async () => {
    const h = harness();
    for (const path of [
      '/v1/admin',
      '/v1/admin/',
      '/v1/admin/nothing',
      '/v1/admin/holders',
      '/v1/admin/../admin/audit',
      '/v1/holders/../admin/audit',
      '/v1/admin/%2e%2e/admin/audit',
      '/v1/admin//audit',
    ]) {
      const { env: counted, calls } = countingEnv();
      const res = await h.call('GET', path, { env: counted });
      expect([path, res.status, calls()]).toEqual([path, 401, 0]);
    }
  });
});
