// Revocation is one-way at the Worker too (docs/trust-list.md "Revocation is one-way"): an
// installed list that revokes a key bounds every later one. In its own file because the revoked
// key it installs stays in this file's D1 and would bound every other test's lists as well.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createSigner, fromBase64Url, generateSeed, type Signer, signTrustList, type TrustedKey } from '../../src/index.ts';
import { DAY, KEY_VALID_FROM, T0 } from './fixtures.ts';
import { type Harness, harness, operatorToken } from './helpers.ts';

const root = () => createSigner(fromBase64Url(env.TEST_ROOT_SEED));
const testSigner = () => createSigner(fromBase64Url(env.TEST_SIGNING_SEED));

function key(signer: Signer, state: TrustedKey['state'], validFrom: number, validUntil?: number): TrustedKey {
  return { kid: signer.kid, publicKey: signer.publicKey, state, validFrom, ...(validUntil === undefined ? {} : { validUntil }) };
}

async function currentVersion(): Promise<number> {
  return (await env.DB.prepare('select max(version) as v from trust_lists').first<{ v: number }>())!.v;
}

async function listBytes(keys: TrustedKey[]) {
  return signTrustList(
    { version: (await currentVersion()) + 1, issuedAt: T0, nextUpdate: T0 + 7 * DAY, issuer: env.ISSUER, keys },
    await root(),
  );
}

async function install(h: Harness, bytes: Uint8Array) {
  return h.json('PUT', '/v1/admin/trust-list', { body: bytes, contentType: 'application/cose', token: operatorToken() });
}

describe('PUT /v1/admin/trust-list never undoes a key revocation', () => {
  it('refuses a newer list that drops or un-revokes a key the installed list revokes (revocation_undone)', async () => {
    const h = harness();
    const leaked = await createSigner(generateSeed());
    const signing = key(await testSigner(), 'active', KEY_VALID_FROM);
    expect((await install(h, await listBytes([signing, key(leaked, 'revoked', T0 - DAY)]))).status).toBe(201);
    const installed = await currentVersion();
    const unrevoked = await install(h, await listBytes([signing, key(leaked, 'retired', T0 - DAY, T0)]));
    expect([unrevoked.status, unrevoked.body.error.code]).toEqual([409, 'revocation_undone']);
    const dropped = await install(h, await listBytes([signing]));
    expect([dropped.status, dropped.body.error.code]).toEqual([409, 'revocation_undone']);
    expect(await currentVersion()).toBe(installed);
    expect((await install(h, await listBytes([signing, key(leaked, 'revoked', T0 - DAY)]))).status).toBe(201);
  });
});
