// Drill 4 (docs/operations.md): clocks. A token whose iat lies outside its key's signing window is rejected;
// the Worker will not sign outside the active key's window; and a verifier whose own clock is far
// from the trust list's issue time reports the skew (assessTrustList) instead of silently passing
// or failing everything. Old lists keep working past nextUpdate, with their age shown.
import { describe, expect, it } from 'vitest';
import { assessTrustList, createSigner, signToken, toHex } from '../../src/index.ts';
import { DrillOperator, DrillVerifier, enrolOn, fetchToken, verdict } from './drill-operator.ts';
import { DAY, T0 } from './fixtures.ts';
import { harness } from './helpers.ts';

/** The verifier PWA's default warning limit for a trust list's age (Settings: 30 days). */
const MAX_LIST_AGE = 30 * DAY;

async function rotatedSetup() {
  const h = harness(T0);
  const operator = await DrillOperator.create(h.clock.t);
  const a = await operator.newSigningKey(h.clock.t);
  operator.rotate(h.clock.t);
  await operator.publishAndInstall(h);
  h.clock.t += 3600;
  const b = await operator.newSigningKey(h.clock.t);
  await operator.publishAndInstall(h);
  h.clock.t += 3600;
  operator.rotate(h.clock.t);
  const published = await operator.publishAndInstall(h);
  const verifier = new DrillVerifier(operator.root.publicKey);
  await verifier.sync(h, published.env);
  const keyOf = (kid: string) => verifier.list!.keys.find((k) => toHex(k.kid) === kid)!;
  return { h, operator, a, b, verifier, deployment: published.env, keyOf };
}

describe('drill 4: clock', () => {
  it('rejects a token whose iat is outside its key window (key_not_valid_at_iat)', async () => {
    const { h, operator, a, b, verifier, keyOf } = await rotatedSetup();
    const claims = (iat: number) => ({ iss: 'ZJ', iat, exp: iat + DAY, color: 'green' as const, windowIndex: 7 });
    const signerA = await createSigner(operator.seeds.get(a)!);
    const signerB = await createSigner(operator.seeds.get(b)!);
    const windowA = keyOf(a);
    const windowB = keyOf(b);
    expect(windowA.validUntil).toBeDefined();

    // Signed by retired A after its window closed (a leftover copy of the seed, a stale Worker).
    const lateA = (await signToken(claims(windowA.validUntil!), signerA)).text;
    expect(verdict(await verifier.verify(lateA, windowA.validUntil! + 10))).toBe('key_not_valid_at_iat');
    // Signed by B, backdated before B's window opened.
    const earlyB = (await signToken(claims(windowB.validFrom - 1), signerB)).text;
    expect(verdict(await verifier.verify(earlyB, h.clock.t))).toBe('key_not_valid_at_iat');
    // The same keys inside their windows verify: the window is what failed above.
    expect(verdict(await verifier.verify((await signToken(claims(windowA.validUntil! - 1), signerA)).text, windowA.validUntil! + 10))).toBe(
      `ok:${a}`,
    );
    expect(verdict(await verifier.verify((await signToken(claims(windowB.validFrom), signerB)).text, h.clock.t))).toBe(`ok:${b}`);
  });

  it('has the Worker refuse to sign while the active key window has not opened, rather than issue rejected tokens', async () => {
    const h = harness(T0);
    const operator = await DrillOperator.create(h.clock.t);
    // The operator's laptop clock runs an hour ahead: the key's window opens in the Worker's future.
    await operator.newSigningKey(h.clock.t + 3600);
    operator.rotate(h.clock.t + 3600);
    const published = await operator.publish(h.clock.t + 3600);
    expect((await operator.install(h, published.cose, published.env)).status).toBe(201);
    await expect(enrolOn(h, published.env)).rejects.toThrow(/503 .*signing_unavailable/);
    h.clock.t += 3600; // once the window is open, it signs
    const holder = await enrolOn(h, published.env);
    const verifier = new DrillVerifier(operator.root.publicKey);
    await verifier.sync(h, published.env);
    expect((await verifier.verify(holder.token, h.clock.t)).ok).toBe(true);
    expect((await fetchToken(h, holder.secret, published.env)).status).toBe(200);
  });

  it('reports a device clock far from the list issue time instead of failing every code silently', async () => {
    const { h, verifier, deployment } = await rotatedSetup();
    const holder = await enrolOn(h, deployment);
    const list = verifier.list!;

    // Right clock: nothing to report, the code verifies.
    const right = assessTrustList(list, h.clock.t, MAX_LIST_AGE);
    expect(right).toMatchObject({ clockBehindSeconds: 0, pastNextUpdate: false, tooOld: false });
    expect((await verifier.verify(holder.token, h.clock.t)).ok).toBe(true);

    // Two days behind: every fresh code would look "not yet valid"; the skew is what gets reported.
    const behind = h.clock.t - 2 * DAY;
    expect(assessTrustList(list, behind, MAX_LIST_AGE).clockBehindSeconds).toBe(list.issuedAt - behind);
    expect(verdict(await verifier.verify(holder.token, behind))).toBe('not_yet_valid');

    // Forty days ahead: codes have expired, and the list reads as 40 days old, past the limit.
    const ahead = h.clock.t + 40 * DAY;
    expect(assessTrustList(list, ahead, MAX_LIST_AGE)).toMatchObject({
      clockBehindSeconds: 0,
      pastNextUpdate: true,
      tooOld: true,
      ageSeconds: ahead - list.issuedAt,
    });
    expect(verdict(await verifier.verify(holder.token, ahead))).toBe('expired');
  });

  it('keeps verifying with a list past nextUpdate, showing its age, and flags it only past the limit', async () => {
    const { h, verifier, deployment, operator } = await rotatedSetup();
    const list = verifier.list!;
    h.clock.t = list.nextUpdate + 3600; // offline for a while: no newer list
    const holder = await enrolOn(h, deployment);
    const stale = assessTrustList(list, h.clock.t, MAX_LIST_AGE);
    expect(stale).toMatchObject({ pastNextUpdate: true, tooOld: false, ageSeconds: h.clock.t - list.issuedAt });
    expect((await verifier.verify(holder.token, h.clock.t)).ok).toBe(true);
    // Syncing again brings a newer list and clears the flag.
    await operator.publishAndInstall(h);
    await verifier.sync(h, deployment);
    expect(assessTrustList(verifier.list!, h.clock.t, MAX_LIST_AGE).pastNextUpdate).toBe(false);
  });
});
