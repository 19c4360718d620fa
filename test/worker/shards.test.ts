// Holders sharded over the four local D1 databases (docs/scale.md "Sharding holders"): where a
// holder lands, how a secret names its database, operator reads that fan out and fail loudly,
// and revocations that reach the one feed even when copying them fails at first.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../src/index.ts';
import { configFor } from '../../worker/config.ts';
import { runCron } from '../../worker/cron.ts';
import { hashIdNumber } from '../../worker/holders/identity.ts';
import { bucketOfHolderId, bucketOfIdHash } from '../../worker/shards/buckets.ts';
import { fanOut } from '../../worker/shards/fan-out.ts';
import { openShards, type Shard } from '../../worker/shards/shards.ts';
import {
  allDatabaseNames,
  allDatabases,
  auditorToken,
  count,
  countingEnv,
  type Enrolled,
  enrol,
  harness,
  holderDatabase,
  setStatus,
} from './helpers.ts';

/** Which databases hold a row of `holders` with this id, by binding name. */
async function databasesHolding(holderId: string): Promise<string[]> {
  const names = allDatabaseNames();
  const out: string[] = [];
  for (const [i, d1] of allDatabases().entries()) {
    if (await d1.prepare('select 1 from holders where id = ?').bind(holderId).first()) out.push(names[i]!);
  }
  return out;
}

/** SHARD_MAP as wrangler.toml writes it, read here independently of worker/shards/shard-map.ts. */
function bindingOfBucket(bucket: number): string {
  for (const part of env.SHARD_MAP!.split(',')) {
    const [binding, range] = part.split(':') as [string, string];
    const [first, last] = range.split('-').map(Number) as [number, number];
    if (bucket >= first && bucket <= last) return binding;
  }
  throw new Error(`bucket ${bucket} unmapped`);
}

describe('placement', () => {
  it('puts each holder in exactly the database SHARD_MAP gives the bucket of its keyed ID hash; the id and the secret carry that bucket', async () => {
    const h = harness();
    const config = configFor(env);
    const used = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const holder = await enrol(h);
      const bucket = bucketOfIdHash(await hashIdNumber(config.idHmacKey, holder.idNumber));
      expect(await databasesHolding(holder.holderId)).toEqual([bindingOfBucket(bucket)]);
      expect(bucketOfHolderId(holder.holderId)).toBe(bucket);
      const secret = fromBase64Url(holder.secret);
      expect((secret[0]! << 8) | secret[1]!).toBe(bucket);
      used.add(bindingOfBucket(bucket));
    }
    // Signing in again reaches the same holder in the same database.
    const again = await enrol(h);
    const twice = await enrol(h, { idNumber: again.idNumber });
    expect(twice.holderId).toBe(again.holderId);
    expect(await databasesHolding(again.holderId)).toHaveLength(1);
  });

  it('refuses a secret whose bucket was changed, before reading any database', async () => {
    const h = harness();
    const holder = await enrol(h);
    const bytes = fromBase64Url(holder.secret);
    bytes[1] = bytes[1]! ^ 1; // the neighbouring bucket
    const { env: counted, calls } = countingEnv();
    const res = await h.call('GET', '/v1/holders/me/token', { token: toBase64Url(bytes), env: counted });
    expect(res.status).toBe(401);
    expect(calls()).toBe(0);
    expect((await h.call('GET', '/v1/holders/me/token', { token: holder.secret })).status).toBe(200);
  });
});

describe('operator reads across databases', () => {
  /** Makes one database's audit_log unreadable until the returned function runs. */
  async function breakAuditLog(d1: D1Database): Promise<() => Promise<void>> {
    await d1.prepare('alter table audit_log rename to audit_log_away').run();
    return async () => {
      await d1.prepare('alter table audit_log_away rename to audit_log').run();
    };
  }

  it('page the merged audit log newest first, every entry exactly once', async () => {
    const h = harness();
    const holders: Enrolled[] = [];
    for (let i = 0; i < 8; i++) {
      holders.push(await enrol(h));
      h.clock.t += 1;
    }
    for (const holder of holders) {
      h.clock.t += 1;
      await setStatus(h, holder.holderId, 'yellow');
    }
    const seen: { id: number; at: number }[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { entries: { id: number; at: number }[]; nextCursor: string | null } } = await h.json(
        'GET',
        `/v1/admin/audit?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        { token: auditorToken() },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.entries);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(await count('audit_log'));
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]!.at).toBeGreaterThanOrEqual(seen[i]!.at);
  });

  it('answer 503 naming the database that fails, never a page without it; a holder filter reads only its own database', async () => {
    const h = harness();
    const holder = await enrol(h);
    const names = allDatabaseNames();
    // Neither the holder's database nor the home one (where the export records itself).
    const other = allDatabases().find((d1) => d1 !== holderDatabase(holder.holderId) && d1 !== env.DB)!;
    const otherName = names[allDatabases().indexOf(other)]!;
    const heal = await breakAuditLog(other);
    try {
      for (const path of ['/v1/admin/audit', '/v1/admin/audit/export']) {
        const res = await h.json('GET', path, { token: auditorToken() });
        expect(res.status, path).toBe(503);
        expect(res.body.error.code).toBe('shard_unavailable');
        expect(res.body.error.message).toContain(otherName);
      }
      const own = await h.json('GET', `/v1/admin/audit?holderId=${holder.holderId}`, { token: auditorToken() });
      expect(own.status).toBe(200);
      expect(own.body.entries.length).toBeGreaterThan(0);
    } finally {
      await heal();
    }
    expect((await h.call('GET', '/v1/admin/audit', { token: auditorToken() })).status).toBe(200);
  });

  it('name a database that does not answer within the deadline', async () => {
    const shards = openShards(env).all;
    const slow = (shard: Shard) =>
      shard === shards[2] ? new Promise<number>((r) => setTimeout(() => r(2), 500)) : Promise.resolve(shard.index);
    await expect(fanOut(shards, slow, 50)).rejects.toMatchObject({
      code: 'shard_unavailable',
      message: expect.stringContaining(`${shards[2]!.name} did not answer within 0.05 s`),
    });
    expect(await fanOut(shards, slow, 2000)).toEqual([0, 1, 2, 3]);
  });
});

describe('one feed from every database', () => {
  it('keeps a downgrade when copying it into the feed fails, and the cron copies it exactly once', async () => {
    const h = harness();
    const holder = await enrol(h);
    const feedRows = () => count('revocations', 'origin is not null and origin_seq is not null');
    const before = await feedRows();
    await env.DB.prepare(
      "create trigger refuse_feed before insert on revocations begin select raise(abort, 'feed unreachable'); end",
    ).run();
    let res: Response;
    try {
      h.clock.t += 60;
      res = await setStatus(h, holder.holderId, 'red');
    } finally {
      await env.DB.prepare('drop trigger refuse_feed').run();
    }
    // The change stands and the client is told so; the entry waits in the holder's outbox.
    expect(res.status).toBe(200);
    expect(await count('revocation_outbox')).toBeGreaterThan(0);
    expect(await feedRows()).toBe(before);
    const config = configFor(env);
    const first = await runCron(openShards(env), config, h.clock.t + 60);
    expect(first.forwarded).toBe(1);
    expect(await feedRows()).toBe(before + 1);
    const second = await runCron(openShards(env), config, h.clock.t + 120);
    expect(second.forwarded).toBe(0);
    expect(await feedRows()).toBe(before + 1);
    // Another downgrade's copy is not held up by the one that failed.
    expect((await setStatus(h, holder.holderId, 'green')).status).toBe(200);
    expect((await setStatus(h, holder.holderId, 'yellow')).status).toBe(200);
    expect(await feedRows()).toBe(before + 2);
  });
});
