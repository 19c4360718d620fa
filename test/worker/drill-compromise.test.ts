// Drill 2 (docs/operations.md): key A leaks. Revoke A; after a trust-list sync every A token is rejected as
// key_revoked, whenever it was issued; the Worker refuses to sign with A; holders get B tokens.
import { describe, expect, it } from 'vitest';
import { createSigner, signToken, toHex } from '../../src/index.ts';
import { DrillOperator, DrillVerifier, enrolOn, fetchToken, verdict } from './drill-operator.ts';
import { T0 } from './fixtures.ts';
import { harness } from './helpers.ts';

describe('drill 2: compromise', () => {
  it('rejects every A token after a sync and moves issuance to B at once', async () => {
    const h = harness(T0);
    const operator = await DrillOperator.create(h.clock.t);
    const a = await operator.newSigningKey(h.clock.t);
    operator.rotate(h.clock.t);
    await operator.publishAndInstall(h);
    h.clock.t += 600;
    const b = await operator.newSigningKey(h.clock.t);
    const withAActive = await operator.publishAndInstall(h); // B published ahead as next
    let deployment = withAActive.env;
    const verifier = new DrillVerifier(operator.root.publicKey);
    await verifier.sync(h, deployment);

    h.clock.t += 3600;
    const holder = await enrolOn(h, deployment);
    expect(verdict(await verifier.verify(holder.token, h.clock.t))).toBe(`ok:${a}`);
    // What an attacker with A's seed can mint: any claims, any iat inside A's window.
    const stolen = await createSigner(operator.seeds.get(a)!);
    const forged = (await signToken({ iss: 'ZJ', iat: h.clock.t, exp: h.clock.t + 86400, color: 'green', windowIndex: 22 }, stolen)).text;
    expect(verdict(await verifier.verify(forged, h.clock.t))).toBe(`ok:${a}`);
    const offline = verifier.snapshot();

    // The compromise response: keys revoke A (B becomes active), keys publish.
    h.clock.t += 60;
    operator.revoke(a, 'seed found in a public repository', h.clock.t);
    const publication = await operator.publish(h.clock.t);
    // Neither the switch-over nor the final secrets carry the revoked seed.
    expect(Object.keys(JSON.parse(publication.transitionalEnv.SIGNING_KEYS))).toEqual([b]);
    expect(Object.keys(JSON.parse(publication.env.SIGNING_KEYS))).toEqual([b]);
    // Once A's seed is gone and before the list lands, the Worker refuses to sign at all.
    const gap = await fetchToken(h, holder.secret, publication.env);
    expect([gap.status, gap.body.error?.code]).toEqual([503, 'signing_unavailable']);
    expect((await operator.install(h, publication.cose, publication.transitionalEnv)).status).toBe(201);
    deployment = publication.env;

    // Holders fetching a token get a B token.
    h.clock.t += 60;
    const fresh = await fetchToken(h, holder.secret, deployment);
    expect(fresh.status).toBe(200);
    // Even a deployment that still held A's seed signs with B: the list decides, not the secret.
    const stale = await fetchToken(h, holder.secret, operator.envWith([a, b]));
    for (const token of [fresh.body.token, stale.body.token])
      expect(verdict(await verifier.snapshot().verify(token, h.clock.t))).toBe(`ok:${b}`);

    // After a sync, every A token is rejected with key_revoked, however it was made.
    expect((await verifier.sync(h, deployment)).ok).toBe(true);
    expect(verifier.list!.keys.map((k) => [toHex(k.kid), k.state])).toEqual([
      [a, 'revoked'],
      [b, 'active'],
    ]);
    for (const token of [holder.token, forged]) expect(verdict(await verifier.verify(token, h.clock.t))).toBe('key_revoked');
    const mintedLater = (await signToken({ iss: 'ZJ', iat: h.clock.t, exp: h.clock.t + 86400, color: 'green', windowIndex: 22 }, stolen))
      .text;
    expect(verdict(await verifier.verify(mintedLater, h.clock.t))).toBe('key_revoked');
    expect(verdict(await verifier.verify(fresh.body.token, h.clock.t))).toBe(`ok:${b}`);
    // A device that has not synced since still trusts A: the reason verifiers must sync often.
    expect(verdict(await offline.verify(forged, h.clock.t))).toBe(`ok:${a}`);

    // The list that named A active cannot come back, neither on the Worker nor on a verifier.
    const replay = await operator.install(h, withAActive.cose, deployment);
    expect([replay.status, ((await replay.json()) as { error: { code: string } }).error.code]).toEqual([409, 'trust_list_not_newer']);
    expect(await verifier.offer(withAActive.cose)).toMatchObject({ ok: false, reason: 'rollback' });
    // The JWKS view drops A.
    const jwks = await h.json('GET', '/.well-known/jwks.json', { env: deployment });
    expect(jwks.body.keys.map((k: { x: string }) => k.x)).toEqual([operator.state.keys.find((k) => k.kid === b)!.publicKey]);
  });
});
