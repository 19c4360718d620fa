// Drill: a verifier is served an older, authentic trust list, the one from before a key was
// revoked: replayed by a stale cache or an attacker, or re-signed with a higher version from a
// keystore restored from an old backup. Every one is refused, the verifier keeps its list, and
// the revoked key's tokens stay refused (docs/trust-list.md "Revocation is one-way").
//
// The verifier is the PWA's own trust-list sync (verifier-web/src/sync) and check.
import { describe, expect, it } from 'vitest';
import { checkCode } from '../../verifier-web/src/check-code.ts';
import { createMemoryStore } from '../../verifier-web/src/storage/kv.ts';
import type { Fetcher } from '../../verifier-web/src/sync/http.ts';
import { syncTrustList, TRUST_LIST_KEY, type TrustListHolding } from '../../verifier-web/src/sync/trust-list-sync.ts';
import { DrillOperator, enrolOn } from './drill-operator.ts';
import { T0 } from './fixtures.ts';
import { harness, type TestEnv } from './helpers.ts';

describe('drill: an older, authentic trust list', () => {
  it('is refused by the verifier and by the Worker, and the revoked key stays revoked', async () => {
    const h = harness(T0);
    const operator = await DrillOperator.create(h.clock.t);
    const a = await operator.newSigningKey(h.clock.t);
    operator.rotate(h.clock.t);
    const withA = await operator.publishAndInstall(h);
    h.clock.t += 600;
    await operator.newSigningKey(h.clock.t);
    await operator.publishAndInstall(h);
    const keystoreBackup = structuredClone(operator.state); // taken before the revocation
    const holder = await enrolOn(h, withA.env); // a token signed by A

    h.clock.t += 60;
    operator.revoke(a, 'seed leaked', h.clock.t);
    const revocation = await operator.publish(h.clock.t);
    expect((await operator.install(h, revocation.cose, revocation.transitionalEnv)).status).toBe(201);
    const deployment = revocation.env;

    const store = createMemoryStore();
    const sync = (current: TrustListHolding | undefined, serve?: Uint8Array, env: TestEnv = deployment) => {
      const fetcher: Fetcher = async (url, init) =>
        serve
          ? new Response(serve as Uint8Array<ArrayBuffer>)
          : h.call('GET', new URL(url).pathname, { headers: init?.headers as Record<string, string>, env });
      return syncTrustList(
        { fetcher, store, rootPublicKey: operator.root.publicKey, now: h.clock.t, baseUrl: 'https://issuer.test' },
        current,
      );
    };
    const first = await sync(undefined);
    if (!first.ok) throw new Error(first.error);
    const held = first.holding;
    const reasonFor = async (holding: TrustListHolding) =>
      (await checkCode(holder.token, { list: holding.list, revokedKids: holding.revokedKids }, h.clock.t)).reason;
    expect(await reasonFor(held)).toBe('key_revoked');

    // 1. The list from before the revocation, replayed as it was signed.
    expect(await sync(held, withA.cose)).toMatchObject({ ok: false, error: 'trust list refused: rollback' });

    // 2. The same keys re-published from the restored keystore: newer, authentic, A active again.
    operator.state = keystoreBackup;
    const fromBackup = await operator.publish(h.clock.t + 60);
    expect(fromBackup.list.version).toBeGreaterThan(held.list.version);
    const install = await operator.install(h, fromBackup.cose, fromBackup.transitionalEnv);
    expect([install.status, ((await install.json()) as { error: { code: string } }).error.code]).toEqual([409, 'revocation_undone']);
    expect(await sync(held, fromBackup.cose)).toMatchObject({ ok: false, error: 'trust list refused: unrevoked_key' });

    // 3. Even with its list cache gone, the device remembers which keys it saw revoked.
    await store.delete(TRUST_LIST_KEY);
    expect(await sync(undefined, fromBackup.cose)).toMatchObject({ ok: false, error: 'trust list refused: unrevoked_key' });

    // Throughout, the verifier kept the good list and A's token stays refused.
    const after = await sync(held);
    if (!after.ok) throw new Error(after.error);
    expect(after.holding.list.version).toBe(held.list.version);
    expect(await reasonFor(after.holding)).toBe('key_revoked');
  });
});
