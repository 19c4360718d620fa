// Through the Worker's real entry point (exports.default.fetch, the real clock): every route
// answers, unknown routes and wrong methods get JSON errors, and the whole holder flow end to end.
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { signInDevIdentity } from '../../scripts/lib/dev-sign-in.ts';
import {
  applyRevocationFeed,
  fromBase64Url,
  type TrustedKey,
  verifyRevocationFeed,
  verifyToken,
  verifyTrustList,
  type WindowStatusSets,
} from '../../src/index.ts';
import { NO_SYMPTOMS } from './helpers.ts';

const BASE = 'http://127.0.0.1:8787';

async function send(
  method: string,
  path: string,
  o: { json?: unknown; body?: BodyInit; contentType?: string; token?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (o.json !== undefined) headers['content-type'] = 'application/json';
  if (o.contentType) headers['content-type'] = o.contentType;
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  // manual: a redirect (sign-in) is an answer to check, not something to follow.
  return exports.default.fetch(
    new Request(BASE + path, { method, headers, body: o.json !== undefined ? JSON.stringify(o.json) : o.body, redirect: 'manual' }),
  );
}

const now = () => Math.floor(Date.now() / 1000);

/** Signs a generated dev identity in at the real dev provider, through the Worker's entry point. */
async function signIn(): Promise<{ holderId: string; secret: string }> {
  const secret = await signInDevIdentity((r) => exports.default.fetch(r), BASE, `gen-${crypto.randomUUID().slice(0, 12)}`, NO_SYMPTOMS);
  const { holderId } = (await (await send('GET', '/v1/holders/me/token', { token: secret })).json()) as { holderId: string };
  return { holderId, secret };
}

async function verifierKeys(): Promise<readonly TrustedKey[]> {
  const bytes = new Uint8Array(await (await send('GET', '/v1/trust-list')).arrayBuffer());
  const verified = await verifyTrustList(bytes, { rootPublicKey: fromBase64Url(env.TRUST_ROOT_PUBLIC_KEY) });
  if (!verified.ok) throw new Error(verified.reason);
  return verified.list.keys;
}

async function verifierRevocations(keys: readonly TrustedKey[]): Promise<WindowStatusSets> {
  const bytes = new Uint8Array(await (await send('GET', '/v1/revocations?since=0')).arrayBuffer());
  const verified = await verifyRevocationFeed(bytes, { keys, now: now() });
  if (!verified.ok) throw new Error(verified.reason);
  const applied = applyRevocationFeed(undefined, verified.feed, now());
  if (!applied.ok) throw new Error(applied.reason);
  return applied.state.sets;
}

describe('the holder flow end to end, over the Worker entry point', () => {
  it('enrol, fetch a token, check in; an operator downgrade revokes the old token through the feed while the new one is valid', async () => {
    const { holderId, secret } = await signIn();

    const first = (await (await send('GET', '/v1/holders/me/token', { token: secret })).json()) as { token: string; color: string };
    expect(first.color).toBe('green');
    const checkin = await send('POST', '/v1/holders/me/checkins', { json: { symptoms: false, temperature: 36.4 }, token: secret });
    expect(checkin.status).toBe(201);

    const keys = await verifierKeys();
    expect(await verifyToken(first.token, { keys, revocations: await verifierRevocations(keys), now: now() })).toMatchObject({
      ok: true,
      claims: { color: 'green' },
    });

    const downgrade = await send('PUT', `/v1/admin/holders/${holderId}/status`, {
      json: { color: 'red', reason: 'close contact of a confirmed case' },
      token: env.TEST_OPERATOR_TOKEN,
    });
    expect(downgrade.status).toBe(200);
    const second = (await (await send('GET', '/v1/holders/me/token', { token: secret })).json()) as { token: string; color: string };
    expect(second.color).toBe('red');

    const revocations = await verifierRevocations(keys);
    expect(await verifyToken(first.token, { keys, revocations, now: now() })).toMatchObject({ ok: false, reason: 'token_revoked' });
    expect(await verifyToken(second.token, { keys, revocations, now: now() })).toMatchObject({ ok: true, claims: { color: 'red' } });
  });
});

describe('routing', () => {
  it('answers every route of the API', async () => {
    const enrolled = await signIn();
    const trustList = new Uint8Array(await (await send('GET', '/v1/trust-list')).arrayBuffer());
    const cases: [string, string, Parameters<typeof send>[2], number][] = [
      ['GET', '/healthz', {}, 200],
      ['POST', '/v1/auth/start', { body: '', contentType: 'application/x-www-form-urlencoded' }, 303],
      ['GET', '/v1/auth/callback?state=x&code=y', {}, 303],
      ['GET', '/v1/holders/me/token', { token: enrolled.secret }, 200],
      ['POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: enrolled.secret }, 201],
      ['GET', '/.well-known/jwks.json', {}, 200],
      ['GET', '/v1/revocations?since=0', {}, 200],
      ['GET', '/v1/trust-list', {}, 200],
      ['PUT', '/v1/admin/trust-list', { body: trustList, contentType: 'application/cose', token: env.TEST_OPERATOR_TOKEN }, 409],
      [
        'PUT',
        `/v1/admin/holders/${enrolled.holderId}/status`,
        { json: { color: 'yellow', reason: 'test' }, token: env.TEST_OPERATOR_TOKEN },
        200,
      ],
      [
        'POST',
        '/v1/admin/holders/import',
        { body: 'idNumber,color,reason\n', contentType: 'text/csv', token: env.TEST_OPERATOR_TOKEN },
        200,
      ],
      ['GET', `/v1/admin/holders/${enrolled.holderId}`, { token: env.TEST_AUDITOR_TOKEN }, 200],
      ['GET', '/v1/admin/audit', { token: env.TEST_AUDITOR_TOKEN }, 200],
    ];
    for (const [method, path, options, status] of cases)
      expect([method, path, (await send(method, path, options)).status]).toEqual([method, path, status]);
  });

  it('answers an unknown route with 404 JSON and a wrong method with 405 JSON and Allow', async () => {
    const missing = await send('GET', '/v1/nothing-here');
    expect([missing.status, await missing.json()]).toEqual([404, { error: { code: 'not_found', message: 'No such route.' } }]);
    const wrong = await send('DELETE', '/v1/auth/start');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
    const getOnly = await send('POST', '/v1/revocations');
    expect([getOnly.status, getOnly.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('answers a CORS preflight for the public feed so third-party verifiers can poll it', async () => {
    const res = await exports.default.fetch(
      new Request(`${BASE}/v1/revocations?since=0`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://verifier.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'if-none-match',
        },
      }),
    );
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
