// Drill: the keystore is restored from a backup older than the last publication. Publishing from
// it would bring a revoked key back (docs/operations.md "Keystore restored from an old backup"),
// so publish refuses with a stable code and installs nothing; the documented recovery
// (--after-restore) publishes a list that keeps every revocation.
import { cp, rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { initRoot, newSigningKey, publish, revoke, rotate } from '../../keys/operations.ts';
import { adoptInstalledRevocations, assertNoRevocationUndone } from '../../keys/publication/guard.ts';
import type { PreparedPublication, PublishTarget } from '../../keys/publication/publish.ts';
import { fromBase64Url, type TrustList, toHex, verifyTrustList } from '../../src/index.ts';
import { access, CHEAP_KDF, T0, tempDir } from './helpers.ts';

const DAY = 86400;

/** Stands in for the Worker: it keeps what was installed, as its D1 does. */
function workerTarget(): PublishTarget & { installs: PreparedPublication[] } {
  const target = {
    kind: 'remote' as const,
    installs: [] as PreparedPublication[],
    installed: async () => {
      const newest = target.installs.at(-1);
      return newest ? { version: newest.list.version, newest: newest.cose } : { version: 0 };
    },
    install: async (p: PreparedPublication) => {
      target.installs.push(p);
    },
  };
  return target;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

describe('drill: keystore restored from an old backup', () => {
  it('publish refuses, installs nothing, and the recovery keeps the revocation', async () => {
    const base = await tempDir();
    const dir = `${base}/store`;
    const root = await initRoot(access(dir), { issuer: 'ZJ', maxTokenLifetimeSeconds: DAY, kdfCost: CHEAP_KDF });
    const { kid: a } = await newSigningKey(access(dir));
    await rotate(access(dir));
    const { kid: b } = await newSigningKey(access(dir, T0 + 10));
    const worker = workerTarget();
    await publish(access(dir, T0 + 20), worker, DAY); // v1: a active, b next

    await cp(dir, `${base}/backup`, { recursive: true }); // the operator's backup
    await revoke(access(dir, T0 + 30), a, 'seed leaked'); // b is promoted
    await publish(access(dir, T0 + 40), worker, DAY); // v2: a revoked, b active

    // The disk dies; the keystore comes back from the backup, which still has a active.
    await rm(dir, { recursive: true });
    await cp(`${base}/backup`, dir, { recursive: true });
    expect(await codeOf(publish(access(dir, T0 + 50), worker, DAY))).toBe('keystore_outdated');
    expect(worker.installs).toHaveLength(2);

    // The documented recovery: take over the installed list's revocations.
    await publish(access(dir, T0 + 60), worker, DAY, { afterRestore: true });
    const v3 = await verifyTrustList(worker.installs[2]!.cose, { rootPublicKey: fromBase64Url(root.publicKey) });
    if (!v3.ok) throw new Error(v3.reason);
    expect(v3.list.version).toBe(3);
    expect(Object.fromEntries(v3.list.keys.map((k) => [toHex(k.kid), k.state]))).toEqual({ [a]: 'revoked', [b]: 'active' });
    expect(Object.keys(worker.installs[2]!.signingKeys)).toEqual([b]);
    // And the restored keystore now publishes normally.
    await publish(access(dir, T0 + 70), worker, DAY);
    expect(worker.installs).toHaveLength(4);
  });
});

describe('publish never undoes a revocation relative to the installed list', () => {
  const key = (byte: number, state: TrustList['keys'][number]['state']) => ({
    kid: new Uint8Array(8).fill(byte),
    publicKey: new Uint8Array(32).fill(byte),
    state,
    validFrom: T0,
  });
  const installed: TrustList = {
    version: 2,
    issuedAt: T0 + 100,
    nextUpdate: T0 + DAY,
    issuer: 'ZJ',
    keys: [key(1, 'revoked'), key(2, 'active')],
  };
  const next = (keys: TrustList['keys'], issuedAt = T0 + 200): TrustList => ({ ...installed, version: 3, issuedAt, keys });
  const code = (fn: () => void) => {
    try {
      fn();
      return undefined;
    } catch (e) {
      return (e as { code?: string }).code;
    }
  };

  it('refuses a list that drops, or un-revokes, a revoked key, or is not newer', () => {
    expect(code(() => assertNoRevocationUndone(next([key(2, 'active')]), installed))).toBe('revoked_key_dropped');
    expect(code(() => assertNoRevocationUndone(next([key(1, 'active')]), installed))).toBe('revoked_key_unrevoked');
    expect(code(() => assertNoRevocationUndone(next([key(1, 'retired'), key(2, 'active')]), installed))).toBe('revoked_key_unrevoked');
    expect(code(() => assertNoRevocationUndone(next(installed.keys, T0 + 100), installed))).toBe('older_than_installed');
    expect(code(() => assertNoRevocationUndone(next(installed.keys), installed))).toBeUndefined();
    expect(code(() => assertNoRevocationUndone(next([]), undefined))).toBeUndefined();
  });

  it('adopting after a restore revokes what the installed list revokes, even keys this keystore never knew', () => {
    const state = {
      issuer: 'ZJ',
      maxTokenLifetimeSeconds: DAY,
      root: { kid: '00'.repeat(8), publicKey: 'A'.repeat(43), createdAt: T0 },
      keys: [],
    };
    const adopted = adoptInstalledRevocations(state, installed, T0 + 300);
    expect(adopted.keys.map((k) => [k.kid, k.state])).toEqual([
      ['01'.repeat(8), 'revoked'],
      ['02'.repeat(8), 'retired'],
    ]);
    expect(adopted.published?.version).toBe(2);
  });
});
