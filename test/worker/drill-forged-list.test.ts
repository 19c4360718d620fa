// Drill 3 (docs/operations.md): forged trust lists. A list signed by anything but the pinned root, an older
// one (rollback), and a truncated or altered one are all rejected, and the verifier keeps its
// last good list each time. The Worker refuses the same lists, and ignores one written to D1.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALG_EDDSA,
  buildSign1,
  type CborValue,
  createSigner,
  encodeTrustListPayload,
  generateSeed,
  HEADER_ALG,
  HEADER_CONTENT_TYPE,
  HEADER_KID,
  signTrustList,
  TRUST_LIST_CONTENT_TYPE,
  type TrustList,
  toHex,
} from '../../src/index.ts';
import { DrillOperator, type DrillPublication, DrillVerifier, enrolOn, verdict } from './drill-operator.ts';
import { T0 } from './fixtures.ts';
import { type Harness, harness, type TestEnv } from './helpers.ts';

let h: Harness;
let operator: DrillOperator;
let deployment: TestEnv;
let older: DrillPublication;
let good: DrillPublication;
let token: string;

/** The verifier after a good sync; each case starts from a copy of it. */
let synced: DrillVerifier;

beforeAll(async () => {
  h = harness(T0);
  operator = await DrillOperator.create(h.clock.t);
  await operator.newSigningKey(h.clock.t);
  operator.rotate(h.clock.t);
  older = await operator.publishAndInstall(h);
  h.clock.t += 600;
  await operator.newSigningKey(h.clock.t);
  good = await operator.publishAndInstall(h);
  deployment = good.env;
  synced = new DrillVerifier(operator.root.publicKey);
  expect((await synced.sync(h, deployment)).ok).toBe(true);
  token = (await enrolOn(h, deployment)).token;
});

/** A list that puts the attacker's key in as active, one version up. */
async function attackerList(): Promise<{ list: TrustList; attacker: Awaited<ReturnType<typeof createSigner>> }> {
  const attacker = await createSigner(generateSeed());
  const list: TrustList = {
    ...good.list,
    version: good.list.version + 1,
    keys: [{ kid: attacker.kid, publicKey: attacker.publicKey, state: 'active', validFrom: T0 }],
  };
  return { list, attacker };
}

async function expectKeptLastGood(bytes: Uint8Array, reason: string): Promise<void> {
  const verifier = synced.snapshot();
  expect(await verifier.offer(bytes)).toMatchObject({ ok: false, reason });
  expect(verifier.list).toBe(synced.list); // the last good list, untouched
  expect(verdict(await verifier.verify(token, h.clock.t))).toMatch(/^ok:/);
}

async function expectWorkerRefuses(bytes: Uint8Array, status: number): Promise<void> {
  const res = await operator.install(h, bytes, deployment);
  expect(res.status).toBe(status);
  const served = await h.call('GET', '/v1/trust-list', { env: deployment });
  expect(served.headers.get('etag')).toBe(`"tl-${good.list.version}"`);
}

describe('drill 3: forged trust list', () => {
  it('rejects a list signed by another root (wrong_root)', async () => {
    const { list } = await attackerList();
    const forged = await signTrustList(list, await createSigner(generateSeed()));
    await expectKeptLastGood(forged, 'wrong_root');
    await expectWorkerRefuses(forged, 422);
  });

  it('rejects a list that names the pinned root but was signed by another key (bad_signature)', async () => {
    const { list, attacker } = await attackerList();
    const forged = await buildSign1({
      protectedHeader: new Map<number, CborValue>([
        [HEADER_ALG, ALG_EDDSA],
        [HEADER_CONTENT_TYPE, TRUST_LIST_CONTENT_TYPE],
        [HEADER_KID, operator.root.kid],
      ]),
      payload: encodeTrustListPayload(list),
      sign: (m) => attacker.sign(m),
    });
    await expectKeptLastGood(forged, 'bad_signature');
    await expectWorkerRefuses(forged, 422);
  });

  it('rejects a genuine but older list (rollback)', async () => {
    await expectKeptLastGood(older.cose, 'rollback');
    await expectWorkerRefuses(older.cose, 409);
  });

  it('rejects a truncated list', async () => {
    for (const cut of [1, 10, good.cose.length >> 1]) {
      const truncated = good.cose.slice(0, good.cose.length - cut);
      const verifier = synced.snapshot();
      const result = await verifier.offer(truncated);
      expect(result.ok).toBe(false);
      expect(verifier.list).toBe(synced.list);
    }
    await expectWorkerRefuses(good.cose.slice(0, -1), 422);
  });

  it('rejects an altered list (one payload byte changed)', async () => {
    // The version field sits early in the payload; bump a byte inside the signed payload.
    const altered = good.cose.slice();
    const at = altered.length - 64 - 20;
    altered[at] = altered[at]! ^ 0x01;
    await expectKeptLastGood(altered, 'bad_signature');
  });

  it('never serves or signs by a list written straight into D1 that the root did not sign', async () => {
    const { list } = await attackerList();
    const forged = await signTrustList({ ...list, version: list.version + 10 }, await createSigner(generateSeed()));
    await env.DB.prepare('INSERT INTO trust_lists (version, cose, issued_at, installed_at) VALUES (?, ?, ?, ?)')
      .bind(list.version + 10, forged.buffer, h.clock.t, h.clock.t)
      .run();
    h.clock.t += 60; // past the Worker's 30 s trust-list cache, so it reads D1 again
    const fresh = { ...deployment };
    const served = await h.call('GET', '/v1/trust-list', { env: fresh });
    expect(served.headers.get('etag')).toBe(`"tl-${good.list.version}"`);
    const verifier = synced.snapshot();
    expect((await verifier.sync(h, fresh)).ok).toBe(true);
    const active = operator.state.keys.find((k) => k.state === 'active')!.kid;
    expect(toHex(verifier.list!.keys.find((k) => k.state === 'active')!.kid)).toBe(active);
    expect(verdict(await verifier.verify((await enrolOn(h, fresh)).token, h.clock.t))).toBe(`ok:${active}`);
  });
});
