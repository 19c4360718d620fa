// Drill 1 (docs/operations.md): a planned rotation. Enrol and fetch a token (key A); publish key B as next;
// rotate. New tokens carry B's kid, A's token verifies until it expires, and a verifier that
// synced before the rotation already accepts B's tokens.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/index.ts';
import { DrillOperator, DrillVerifier, enrolOn, fetchToken, verdict } from './drill-operator.ts';
import { T0 } from './fixtures.ts';
import { harness } from './helpers.ts';

describe('drill 1: planned rotation', () => {
  it('moves issuance from A to B with no token rejected along the way', async () => {
    const h = harness(T0);
    const operator = await DrillOperator.create(h.clock.t);
    const a = await operator.newSigningKey(h.clock.t);
    operator.rotate(h.clock.t);
    let deployment = (await operator.publishAndInstall(h)).env;
    const verifier = new DrillVerifier(operator.root.publicKey);
    expect((await verifier.sync(h, deployment)).ok).toBe(true);

    h.clock.t += 3600;
    const holder = await enrolOn(h, deployment);
    const tokenA = holder.token;
    expect(verdict(await verifier.verify(tokenA, h.clock.t))).toBe(`ok:${a}`);

    // B is published ahead as next: the Worker gets its seed, verifiers get its public key.
    h.clock.t += 3600;
    const b = await operator.newSigningKey(h.clock.t);
    h.clock.t += 60;
    deployment = (await operator.publishAndInstall(h)).env;
    expect(Object.keys(JSON.parse(deployment.SIGNING_KEYS))).toEqual([a, b]);
    await verifier.sync(h, deployment);
    const syncedBeforeRotation = verifier.snapshot();
    expect(syncedBeforeRotation.list!.keys.map((k) => [toHex(k.kid), k.state])).toEqual([
      [a, 'active'],
      [b, 'next'],
    ]);
    // Still A until the rotation is published.
    expect((await fetchToken(h, holder.secret, deployment)).body.token).toBe(tokenA);

    // The rotation, hours later: while the new list goes in, the Worker holds both seeds; then only B's.
    h.clock.t += 2 * 3600;
    operator.rotate(h.clock.t);
    h.clock.t += 120;
    const rotated = await operator.publishAndInstall(h);
    expect(Object.keys(JSON.parse(rotated.transitionalEnv.SIGNING_KEYS)).sort()).toEqual([a, b].sort());
    const during = await fetchToken(h, holder.secret, rotated.transitionalEnv);
    deployment = rotated.env;
    expect(Object.keys(JSON.parse(deployment.SIGNING_KEYS))).toEqual([b]);
    h.clock.t += 60;
    const after = await fetchToken(h, holder.secret, deployment);
    expect(after.status).toBe(200);

    // New tokens carry B's kid, even for a verifier that synced before the rotation.
    for (const token of [during.body.token, after.body.token]) {
      expect(verdict(await syncedBeforeRotation.verify(token, h.clock.t))).toBe(`ok:${b}`);
    }
    // A verifier that syncs now sees A retired, and A's old token still verifies...
    await verifier.sync(h, deployment);
    const retiredA = verifier.list!.keys.find((k) => toHex(k.kid) === a)!;
    expect(retiredA.state).toBe('retired');
    expect(verdict(await verifier.verify(tokenA, h.clock.t))).toBe(`ok:${a}`);
    expect(verdict(await verifier.verify(after.body.token, h.clock.t))).toBe(`ok:${b}`);
    // ...until it expires, like any token.
    const checked = await verifier.verify(tokenA, h.clock.t);
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(verdict(await verifier.verify(tokenA, checked.claims.exp + 301))).toBe('expired');

    // The JWKS view lists both keys while A's tokens may be live.
    const jwks = await h.json('GET', '/.well-known/jwks.json', { env: deployment });
    expect(jwks.body.keys).toHaveLength(2);
  });
});
