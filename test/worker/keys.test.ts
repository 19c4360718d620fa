// The trust list, its installation, the JWKS view, and choosing the signing key at run time.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  createSigner,
  fromBase64Url,
  generateSeed,
  type Signer,
  signTrustList,
  type TrustedKey,
  toBase64Url,
  toHex,
  verifyTrustList,
} from '../../src/index.ts';
import { DAY, KEY_VALID_FROM, T0 } from './fixtures.ts';
import { count, enrol, type Harness, harness, operatorToken, verifyAt } from './helpers.ts';

const root = () => createSigner(fromBase64Url(env.TEST_ROOT_SEED));
const testSigner = () => createSigner(fromBase64Url(env.TEST_SIGNING_SEED));

function key(signer: Signer, state: TrustedKey['state'], validFrom: number, validUntil?: number): TrustedKey {
  return { kid: signer.kid, publicKey: signer.publicKey, state, validFrom, ...(validUntil === undefined ? {} : { validUntil }) };
}

async function currentVersion(): Promise<number> {
  return (await env.DB.prepare('select max(version) as v from trust_lists').first<{ v: number }>())!.v;
}

async function listBytes(keys: TrustedKey[], options: { version?: number; issuer?: string; signer?: Signer; issuedAt?: number } = {}) {
  const issuedAt = options.issuedAt ?? T0;
  return signTrustList(
    {
      version: options.version ?? (await currentVersion()) + 1,
      issuedAt,
      nextUpdate: issuedAt + 7 * DAY,
      issuer: options.issuer ?? env.ISSUER,
      keys,
    },
    options.signer ?? (await root()),
  );
}

async function install(h: Harness, bytes: Uint8Array, e = env) {
  return h.json('PUT', '/v1/admin/trust-list', { body: bytes, contentType: 'application/cose', token: operatorToken(), env: e });
}

describe('GET /v1/trust-list', () => {
  it('serves the installed root-signed bytes with an ETag, and 304 for a matching If-None-Match', async () => {
    const h = harness();
    const res = await h.call('GET', '/v1/trust-list');
    expect(res.headers.get('content-type')).toBe('application/cose');
    const verified = await verifyTrustList(new Uint8Array(await res.arrayBuffer()), {
      rootPublicKey: fromBase64Url(env.TRUST_ROOT_PUBLIC_KEY),
    });
    expect(verified.ok).toBe(true);
    const etag = res.headers.get('etag')!;
    expect(etag).toBe(`"tl-${await currentVersion()}"`);
    expect((await h.call('GET', '/v1/trust-list', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('ignores a list in D1 that the pinned root did not sign: a database write alone cannot add a key', async () => {
    const h = harness();
    const otherRoot = await createSigner(generateSeed());
    const e = { ...env, TRUST_ROOT_PUBLIC_KEY: toBase64Url(otherRoot.publicKey) };
    const list = await h.json('GET', '/v1/trust-list', { env: e });
    expect([list.status, list.body.error.code]).toEqual([503, 'trust_list_unavailable']);
    await expect(enrol(h, { env: e })).rejects.toThrow(/503 .*signing_unavailable/);
  });
});

describe('choosing the signing key', () => {
  it('refuses to sign outside the active key’s window', async () => {
    const h = harness(KEY_VALID_FROM - 10);
    await expect(enrol(h)).rejects.toThrow(/503 .*signing_unavailable/);
  });

  it('refuses to sign when SIGNING_KEYS holds a seed for the active kid that is not that key’s', async () => {
    const h = harness();
    const holder = await enrol(h);
    const kid = toHex((await testSigner()).kid);
    const e = { ...env, SIGNING_KEYS: JSON.stringify({ [kid]: toBase64Url(generateSeed()) }) };
    const { status, body } = await h.json('GET', '/v1/holders/me/token', { token: holder.secret, env: e });
    expect([status, body.error.code]).toEqual([503, 'signing_unavailable']);
  });
});

describe('PUT /v1/admin/trust-list', () => {
  it.each([
    [
      'signed by another root',
      async () => listBytes([key(await testSigner(), 'active', KEY_VALID_FROM)], { signer: await createSigner(generateSeed()) }),
      422,
      'trust_list_invalid',
    ],
    [
      'altered after signing',
      async () => {
        const b = await listBytes([key(await testSigner(), 'active', KEY_VALID_FROM)]);
        b[b.length - 70]! ^= 1;
        return b;
      },
      422,
      'trust_list_invalid',
    ],
    [
      'truncated',
      async () => (await listBytes([key(await testSigner(), 'active', KEY_VALID_FROM)])).slice(0, 60),
      422,
      'trust_list_invalid',
    ],
    [
      'not newer than the installed one',
      async () => listBytes([key(await testSigner(), 'active', KEY_VALID_FROM)], { version: await currentVersion() }),
      409,
      'trust_list_not_newer',
    ],
    [
      'for another issuer',
      async () => listBytes([key(await testSigner(), 'active', KEY_VALID_FROM)], { issuer: 'XX' }),
      422,
      'trust_list_invalid',
    ],
    [
      'naming an active key whose seed the Worker lacks',
      async () => listBytes([key(await createSigner(generateSeed()), 'active', T0)]),
      409,
      'signing_key_missing',
    ],
  ])('refuses a list %s, installing nothing', async (_what, make, status, code) => {
    const h = harness();
    const before = await currentVersion();
    const res = await install(h, await make());
    expect([res.status, res.body.error.code]).toEqual([status, code]);
    expect(await currentVersion()).toBe(before);
  });

  it('refuses a body that is not application/cose', async () => {
    const h = harness();
    const res = await h.json('PUT', '/v1/admin/trust-list', { body: '{}', contentType: 'application/json', token: operatorToken() });
    expect(res.status).toBe(415);
  });

  it('installs a newer list with its audit row, serves it at once, and signs with the newly active key after a rotation', async () => {
    const h = harness(T0);
    const a = await testSigner();
    const holder = await enrol(h);
    const bSeed = generateSeed();
    const b = await createSigner(bSeed);
    const withB = { ...env, SIGNING_KEYS: JSON.stringify({ [toHex(a.kid)]: env.TEST_SIGNING_SEED, [toHex(b.kid)]: toBase64Url(bSeed) }) };
    // 1. Publish B as next: verifiers learn it before it signs anything.
    const published = await listBytes([key(a, 'active', KEY_VALID_FROM), key(b, 'next', T0)]);
    const installed = await install(h, published);
    expect(installed.status).toBe(201);
    expect(installed.body).toMatchObject({ version: await currentVersion(), keys: 2 });
    expect(new Uint8Array(await (await h.call('GET', '/v1/trust-list')).arrayBuffer())).toEqual(published);
    expect(await count('audit_log', "action = 'trust_list.install' and actor = 'test-operator'")).toBe(1);
    // 2. Rotate: B active, A retired as of now.
    h.clock.t = T0 + 3600;
    expect(
      (
        await install(
          h,
          await listBytes([key(a, 'retired', KEY_VALID_FROM, T0 + 3600), key(b, 'active', T0)], { issuedAt: T0 + 3600 }),
          withB,
        )
      ).status,
    ).toBe(201);
    const fresh = await h.json('GET', '/v1/holders/me/token', { token: holder.secret, env: withB });
    const verified = await verifyAt(h, fresh.body.token);
    expect(verified.ok && toHex(verified.key.kid)).toBe(toHex(b.kid));
    // A's token still verifies: it was signed inside A's window.
    expect(await verifyAt(h, holder.token)).toMatchObject({ ok: true });
    // Without B's seed the Worker refuses to sign rather than fall back to A.
    const refused = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    expect([refused.status, refused.body.error.code]).toEqual([503, 'signing_unavailable']);
  });
});

describe('/.well-known/jwks.json', () => {
  it('lists next, active and recently retired keys as OKP/Ed25519 JWKs, never revoked or long-retired ones', async () => {
    const h = harness(T0 + 10 * DAY);
    const a = await testSigner();
    const [next, recent, old, revoked] = await Promise.all([0, 1, 2, 3].map(() => createSigner(generateSeed())));
    await install(
      h,
      await listBytes(
        [
          key(a, 'active', KEY_VALID_FROM),
          key(next!, 'next', T0),
          key(recent!, 'retired', KEY_VALID_FROM, T0 + 10 * DAY - 3600), // its tokens live for a day after
          key(old!, 'retired', KEY_VALID_FROM, T0 + 8 * DAY),
          key(revoked!, 'revoked', KEY_VALID_FROM, T0),
        ],
        { issuedAt: T0 + 10 * DAY },
      ),
    );
    const { status, body, res } = await h.json('GET', '/.well-known/jwks.json');
    expect(status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const kids = body.keys.map((k: { kid: string }) => k.kid);
    expect(kids.sort()).toEqual([a, next!, recent!].map((s) => toBase64Url(s.kid)).sort());
    expect(body.keys.find((k: { kid: string }) => k.kid === toBase64Url(a.kid))).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: toBase64Url(a.publicKey),
      kid: toBase64Url(a.kid),
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(fromBase64Url(kids[0]!)).toHaveLength(8);
  });
});
