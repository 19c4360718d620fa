// publishTrustList on a real keystore, with an in-memory target standing in for D1/the Worker:
// what gets signed, what the Worker is given, and what the keystore keeps afterwards.
import { describe, expect, it } from 'vitest';
import { hasSeed, unlockKeystore } from '../../keys/keystore/keystore.ts';
import { initRoot, newSigningKey, publish, revoke, rotate } from '../../keys/operations.ts';
import { silentReporter } from '../../keys/progress.ts';
import { RETIREMENT_GRACE_SECONDS } from '../../keys/publication/plan.ts';
import type { PreparedPublication, PublishTarget } from '../../keys/publication/publish.ts';
import { fromBase64Url, verifyTrustList } from '../../src/index.ts';
import { access, CHEAP_KDF, PASSPHRASE, T0, tempDir } from './helpers.ts';

const DAY = 86400;

/** A target that remembers what it installed, as D1 does; `installed` preloads a list. */
function memoryTarget(installed?: PreparedPublication): PublishTarget & { installs: PreparedPublication[] } {
  const target = {
    kind: 'local' as const,
    installs: [] as PreparedPublication[],
    installed: async () => {
      const newest = target.installs.at(-1) ?? installed;
      return newest ? { version: newest.list.version, newest: newest.cose } : { version: 0 };
    },
    install: async (p: PreparedPublication) => {
      target.installs.push(p);
    },
  };
  return target;
}

async function storeWithActiveKey(): Promise<{ dir: string; rootKey: Uint8Array; a: string }> {
  const dir = `${await tempDir()}/store`;
  const root = await initRoot(access(dir), { issuer: 'ZJ', maxTokenLifetimeSeconds: DAY, kdfCost: CHEAP_KDF });
  const { kid: a } = await newSigningKey(access(dir));
  await rotate(access(dir));
  return { dir, rootKey: fromBase64Url(root.publicKey), a };
}

describe('keys publish (core flow)', () => {
  it('signs a list that verifies against the root, one version above what is installed', async () => {
    const { dir, rootKey, a } = await storeWithActiveKey();
    const earlier = memoryTarget();
    for (let i = 0; i < 6; i++) await publish(access(dir, T0 + i), earlier, 7200);
    const target = memoryTarget(earlier.installs.at(-1));
    const outcome = await publish(access(dir, T0 + 60), target, 7200);
    const [installed] = target.installs;
    const verified = await verifyTrustList(installed!.cose, { rootPublicKey: rootKey });
    expect(verified.ok && verified.list).toMatchObject({
      version: 7,
      issuedAt: T0 + 60,
      nextUpdate: T0 + 7260,
      issuer: 'ZJ',
      keys: [{ state: 'active', validFrom: T0 }],
    });
    expect(outcome).toMatchObject({ activeKid: a, pruned: [] });
    expect(Object.keys(installed!.signingKeys)).toEqual([a]);
    const second = memoryTarget();
    await publish(access(dir, T0 + 120), second, 7200);
    expect(second.installs[0]!.list.version).toBe(8); // the keystore remembers v7 even if the target forgot it
  });

  it('keeps the retiring key on the Worker only while the new list is installed, then drops its seed', async () => {
    const { dir, a } = await storeWithActiveKey();
    const { kid: b } = await newSigningKey(access(dir, T0 + 10));
    await publish(access(dir, T0 + 20), memoryTarget(), DAY);
    await rotate(access(dir, T0 + 30));
    const target = memoryTarget();
    const outcome = await publish(access(dir, T0 + 40), target, DAY);
    const p = target.installs[0]!;
    expect(Object.keys(p.transitionalSigningKeys).sort()).toEqual([a, b].sort());
    expect(Object.keys(p.signingKeys)).toEqual([b]);
    // The old key signed until this publication, so its window closes then (plus the Worker's
    // cache grace), not at the rotate.
    expect(p.list.keys.find((k) => k.state === 'retired')!.validUntil).toBe(T0 + 40 + RETIREMENT_GRACE_SECONDS);
    expect(outcome.removedSeeds).toEqual([a]);
    expect(await hasSeed(dir, 'signing', a)).toBe(false);
  });

  it('never hands a revoked seed to the Worker, not even during the switch', async () => {
    const { dir, a } = await storeWithActiveKey();
    const { kid: b } = await newSigningKey(access(dir, T0 + 10));
    await publish(access(dir, T0 + 20), memoryTarget(), DAY);
    await revoke(access(dir, T0 + 30), a, 'seed found in a public paste');
    const target = memoryTarget();
    await publish(access(dir, T0 + 40), target, DAY);
    const p = target.installs[0]!;
    expect(Object.keys(p.transitionalSigningKeys)).toEqual([b]);
    expect(Object.keys(p.signingKeys)).toEqual([b]);
    expect(p.list.keys.map((k) => k.state)).toEqual(['revoked', 'active']);
  });

  it('prunes retired keys whose tokens have all expired', async () => {
    const { dir, a } = await storeWithActiveKey();
    await newSigningKey(access(dir, T0 + 10));
    await publish(access(dir, T0 + 20), memoryTarget(), DAY);
    await rotate(access(dir, T0 + 30));
    await publish(access(dir, T0 + 40), memoryTarget(), DAY);
    const windowEnd = T0 + 40 + RETIREMENT_GRACE_SECONDS;
    const stillLive = memoryTarget();
    await publish(access(dir, windowEnd + DAY), stillLive, DAY);
    expect(stillLive.installs[0]!.list.keys).toHaveLength(2);
    const expired = memoryTarget();
    const outcome = await publish(access(dir, windowEnd + DAY + 1), expired, DAY);
    expect(outcome.pruned).toEqual([a]);
    expect(expired.installs[0]!.list.keys.map((k) => k.state)).toEqual(['active']);
    expect((await unlockKeystore(dir, PASSPHRASE, silentReporter)).state.keys).toHaveLength(1);
  });

  it('publishes above, and past, a local D1 list from another dev keystore’s root', async () => {
    const { dir } = await storeWithActiveKey();
    const other = await storeWithActiveKey();
    const foreign = memoryTarget();
    for (let i = 0; i < 3; i++) await publish(access(other.dir, T0 + i), foreign, DAY);
    const target = memoryTarget(foreign.installs.at(-1));
    await publish(access(dir, T0 + 60), target, DAY);
    expect(target.installs[0]!.list.version).toBe(4);
    const remote = { ...memoryTarget(foreign.installs.at(-1)), kind: 'remote' as const };
    await expect(publish(access(dir, T0 + 120), remote, DAY)).rejects.toMatchObject({ code: 'remote_root_mismatch' });
  });

  it('installs nothing and records nothing when the target fails', async () => {
    const { dir } = await storeWithActiveKey();
    const failing: PublishTarget = {
      kind: 'remote',
      installed: async () => ({ version: 0 }),
      install: async () => Promise.reject(new Error('network down')),
    };
    await expect(publish(access(dir, T0 + 20), failing, DAY)).rejects.toThrow('network down');
    expect((await unlockKeystore(dir, PASSPHRASE, silentReporter)).state.published).toBeUndefined();
  });
});
