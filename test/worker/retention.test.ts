// Bounded storage (docs/operations.md "What is kept, and for how long"): the cron's retention pass
// against a real local D1 in workerd, with a pinned clock. Each kind of row is kept while a rule,
// the feed or the audit still needs it and removed after; a run deletes at most its bound, by
// index ranges, and the next run continues.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../worker/config.ts';
import { configFor } from '../../worker/config.ts';
import { loadCheckins, toCheckin } from '../../worker/db/checkins.ts';
import { openDb } from '../../worker/db/client.ts';
import { findHolderById } from '../../worker/db/holders.ts';
import worker from '../../worker/index.ts';
import { pruneExpired, pruneFeed, type RetentionBounds } from '../../worker/retention/prune.ts';
import { type PrunedTable, pruneStatementSql } from '../../worker/retention/statements.ts';
import { checkinWindowStart, currentStatus } from '../../worker/status/plan.ts';
import { DAY, REPLICA_LAG_ALLOWANCE, T0 } from './fixtures.ts';
import {
  allDatabases,
  count,
  enrol,
  type Harness,
  harness,
  holderDatabase,
  holderDb,
  NO_SYMPTOMS,
  setStatus,
  syncedRevocations,
  verifyAt,
} from './helpers.ts';

const db = () => openDb(env.DB);

/** One cron's retention work for a holder's database and the feed, as worker/cron.ts runs it. */
async function prune(holderDatabaseOf: string | undefined, config: Config, now: number, bounds?: RetentionBounds) {
  const shard = holderDatabaseOf === undefined ? db() : holderDb(holderDatabaseOf);
  return { ...(await pruneExpired(shard, config, now, bounds)), ...(await pruneFeed(db(), config, now, bounds)) };
}
const checkIn = (h: Harness, secret: string, symptoms: boolean) =>
  h.json('POST', '/v1/holders/me/checkins', { json: { symptoms }, token: secret });

/** What the rules make of a holder now, from the rows in D1 (as the token endpoint derives it). */
async function derived(holderId: string, now: number) {
  const config = configFor(env);
  const row = (await findHolderById(holderDb(holderId), holderId))!;
  const rows = await loadCheckins(holderDb(holderId), holderId, checkinWindowStart(row, config.policy));
  return currentStatus(row, rows.map(toCheckin), now, config.policy);
}

const TABLES = ['checkins', 'status_events', 'audit_log', 'revocations', 'pending_statuses'];
const FEED_TABLES = ['window_revocations', 'window_domains', 'revocation_outbox'];
const WINDOW = 6 * 3600;

beforeEach(async () => {
  // Each case counts what the pass deletes, so none may see another case's rows.
  // The outboxes too: with the feed emptied, the next copy would bring their old entries back.
  for (const d1 of allDatabases()) await d1.batch([...TABLES, ...FEED_TABLES].map((t) => d1.prepare(`delete from ${t}`)));
});

describe('check-ins', () => {
  it('are kept for the longest isolation plus its check-in run plus 7 days (14 + 14 + 7 = 35 local days), then removed', async () => {
    const h = harness(T0 + 600); // 2026-03-01 08:10 in Asia/Shanghai
    const holder = await enrol(h);
    expect((await checkIn(h, holder.secret, false)).status).toBe(201);
    // 2026-04-05, 35 local days later: the cutoff day is 2026-03-01 itself, so the row stays.
    expect((await prune(holder.holderId, configFor(env), T0 + 35 * DAY)).prunedCheckins).toBe(0);
    expect(await count('checkins', 'holder_id = ?', holder.holderId)).toBe(1);
    // 2026-04-06: 2026-03-01 is now before the cutoff day. Through the Worker's own cron trigger.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: (T0 + 36 * DAY) * 1000, cron: '*/5 * * * *' }), env);
    await waitOnExecutionContext(ctx);
    expect(await count('checkins', 'holder_id = ?', holder.holderId)).toBe(0);
  });

  it("keep a red holder's current run: pruning changes nothing the rules derive, and the run still releases", async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    // Forty days of fever keep the holder red, then ten clean days start a run (14 needed).
    for (let d = 0; d < 50; d++) {
      h.clock.t = T0 + d * DAY + 600;
      expect((await checkIn(h, holder.secret, d < 40)).status).toBe(201);
    }
    const now = T0 + 49 * DAY + 3600; // 2026-04-19 local: the cutoff day is 2026-03-15
    const before = await derived(holder.holderId, now);
    expect(before).toMatchObject({ color: 'red', checkinsDone: 10, checkinsRequired: 14 });

    const report = await prune(holder.holderId, configFor(env), now);
    // 2026-03-01 .. 2026-03-14: fourteen fever days, long irrelevant to the live run.
    expect(report.prunedCheckins).toBe(14);
    expect(await count('checkins', 'holder_id = ?', holder.holderId)).toBe(36);
    expect(await derived(holder.holderId, now)).toEqual(before);

    // Four more clean days complete the run of 14: released at the fourth one's moment.
    let last: Awaited<ReturnType<typeof checkIn>> | undefined;
    for (let d = 50; d < 54; d++) {
      h.clock.t = T0 + d * DAY + 600;
      last = await checkIn(h, holder.secret, false);
    }
    expect(last!.body.status).toEqual({ color: 'green', since: T0 + 53 * DAY + 600 });
  });
});

describe('status events and the audit log', () => {
  it('are kept for AUDIT_RETENTION_DAYS (365 by default) and then removed; the holder and the current status stay', async () => {
    const h = harness();
    const holder = await enrol(h); // green at T0: an event and audit rows at T0
    h.clock.t = T0 + 100 * DAY;
    expect((await setStatus(h, holder.holderId, 'red')).status).toBe(200);
    const events = () => count('status_events', 'holder_id = ?', holder.holderId);
    const audit = () => count('audit_log', 'holder_id = ?', holder.holderId);
    const auditAtT0 = await count('audit_log', 'holder_id = ? and at = ?', holder.holderId, T0);
    expect([await events(), auditAtT0]).toEqual([2, expect.any(Number)]);
    expect(auditAtT0).toBeGreaterThan(0);
    const auditBefore = await audit();

    // Exactly a year later nothing is older than the retention yet.
    const atYear = await prune(holder.holderId, configFor(env), T0 + 365 * DAY);
    expect([atYear.prunedEvents, atYear.prunedAudit]).toEqual([0, 0]);
    // A deployment that keeps 400 days keeps them a day later too.
    const longer = await prune(holder.holderId, configFor({ ...env, AUDIT_RETENTION_DAYS: '400' }), T0 + 366 * DAY);
    expect([longer.prunedEvents, longer.prunedAudit]).toEqual([0, 0]);

    const after = await prune(holder.holderId, configFor(env), T0 + 365 * DAY + 1);
    expect([after.prunedEvents, after.prunedAudit]).toEqual([1, auditAtT0]);
    expect([await events(), await audit()]).toEqual([1, auditBefore - auditAtT0]);
    // The holder row materialises the latest status: the rules and the admin view still have it.
    h.clock.t = T0 + 365 * DAY + 1;
    const view = await h.json('GET', `/v1/admin/holders/${holder.holderId}`, { token: env.TEST_AUDITOR_TOKEN });
    expect(view.status).toBe(200);
    expect((await findHolderById(holderDb(holder.holderId), holder.holderId))!).toMatchObject({ color: 'red', since: T0 + 100 * DAY });
  });
});

describe('revocations', () => {
  it('keep an entry while a token it revokes can still be accepted, and remove it two lifetimes on', async () => {
    const h = harness();
    const holder = await enrol(h);
    const lifetime = configFor(env).tokenLifetimeSeconds;
    // The latest token the downgrade revokes: issued at a window start (T0 + 6 h; windows are
    // reckoned from now - 60 s), one second before the downgrade, so it lives as long as any can.
    h.clock.t = T0 + 6 * 3600 + REPLICA_LAG_ALLOWANCE;
    const fetched = await h.json('GET', '/v1/holders/me/token', { token: holder.secret });
    const token = fetched.body.token as string;
    const { iat, exp } = (await verifyAt(h, token)).claims!;
    expect(iat).toBe(T0 + 6 * 3600);
    h.clock.t += 1;
    expect((await setStatus(h, holder.holderId, 'red')).status).toBe(200);
    const { seq } = (await env.DB.prepare('select max(seq) as seq from revocations').first<{ seq: number }>())!;
    // A later downgrade, so the first entry is not the newest row (which is always kept).
    const other = await enrol(h);
    h.clock.t += 3600;
    expect((await setStatus(h, other.holderId, 'yellow')).status).toBe(200);

    // 299 s after expiry a verifier whose clock lags by the 300 s skew still accepts the token.
    h.clock.t = exp + 299;
    expect((await verifyAt(h, token)).ok).toBe(true);
    expect((await prune(holder.holderId, configFor(env), h.clock.t)).pruned).toBe(0);
    expect(await verifyAt(h, token, await syncedRevocations(h))).toMatchObject({ ok: false, reason: 'token_revoked' });

    const revokedBefore = (await env.DB.prepare('select revoked_before as r from revocations where seq = ?')
      .bind(seq)
      .first<{ r: number }>())!.r;
    expect((await prune(holder.holderId, configFor(env), revokedBefore + 2 * lifetime)).pruned).toBe(0);
    expect((await prune(holder.holderId, configFor(env), revokedBefore + 2 * lifetime + 1)).pruned).toBe(1);
    expect(await count('revocations', 'seq = ?', seq)).toBe(0);
    expect(await count('revocations')).toBe(1);
  });
});

describe('window indices and domains', () => {
  it('keep a window while a token issued in it can still be accepted, then drop its indices and its domain', async () => {
    const h = harness();
    const holder = await enrol(h);
    h.clock.t += 1;
    expect((await setStatus(h, holder.holderId, 'red')).status).toBe(200);
    const windows = (await env.DB.prepare('select "window" as w from window_revocations order by 1').all<{ w: number }>()).results.map(
      (r) => r.w,
    );
    const newest = windows[windows.length - 1]!;
    expect(windows.length).toBeGreaterThanOrEqual(5);
    // The newest window's last token is accepted until its end + lifetime + 300 s skew.
    const lastAccepted = (newest + 1) * WINDOW + configFor(env).tokenLifetimeSeconds + 300;
    const before = await pruneFeed(db(), configFor(env), lastAccepted - 1);
    expect(await count('window_revocations', '"window" = ?', newest)).toBe(1);
    expect(await count('window_domains', '"window" = ?', newest)).toBe(1);
    expect(before.prunedWindowIndices).toBe(windows.length - 1);
    // A verifier syncing now still gets that window's index.
    h.clock.t = lastAccepted - 1;
    expect([...(await syncedRevocations(h)).keys()]).toEqual([newest]);
    const after = await pruneFeed(db(), configFor(env), lastAccepted + 1);
    expect([after.prunedWindowIndices, await count('window_revocations'), await count('window_domains', '"window" <= ?', newest)]).toEqual([
      1, 0, 0,
    ]);
  });

  it('deletes at most its bound of indices per run and continues on the next, domains only once their indices are gone', async () => {
    const rows = Array.from({ length: 9 }, (_, i) =>
      env.DB.prepare('insert into window_revocations ("window", epoch, idx, seq) values (1, 0, ?, 1)').bind(i),
    );
    await env.DB.batch([
      ...rows,
      env.DB.prepare(`insert into window_domains ("window", domain, key_id) values (1, 1000000, 'retention-test')`),
    ]);
    const bounds = {
      maxRowsPerRun: {
        checkins: 10,
        statusEvents: 10,
        auditLog: 10,
        revocations: 10,
        pending: 10,
        windowRevocations: 4,
        windowDomains: 10,
      },
      chunkRows: 3,
    };
    const run = async () => {
      const r = await pruneFeed(db(), configFor(env), T0, bounds);
      return [r.prunedWindowIndices, r.prunedWindowDomains];
    };
    expect(await run()).toEqual([4, 0]);
    expect(await run()).toEqual([4, 0]);
    expect(await run()).toEqual([1, 1]);
    expect([await count('window_revocations'), await count('window_domains')]).toEqual([0, 0]);
  });

  it('deletes old windows by a primary-key range, never a scan of the table', async () => {
    const plan = await env.DB.prepare(
      'explain query plan delete from window_revocations where ("window", epoch, idx) in (select "window", epoch, idx from window_revocations where "window" < ? order by "window", epoch, idx limit ?)',
    )
      .bind(10, 10)
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail);
    expect(details.filter((d) => d.startsWith('SCAN'))).toEqual([]);
  });
});

describe('pending key-people rows', () => {
  it('are removed once the isolation they imply is over, and not before', async () => {
    await insertPending(['live'], T0 + DAY);
    await insertPending(['due'], T0);
    expect((await prune(undefined, configFor(env), T0 - 1)).prunedPending).toBe(0);
    expect((await prune(undefined, configFor(env), T0)).prunedPending).toBe(1);
    expect(await count('pending_statuses')).toBe(1);
  });
});

const OLD = T0 - 2 * 365 * DAY;

async function insertPending(names: string[], expiresAt: number, d1: D1Database = env.DB): Promise<void> {
  await d1.batch(
    names.map((name) =>
      d1
        .prepare(
          "insert into pending_statuses (id_hash, color, reason, exposed_at, import_id, line, actor, created_at, expires_at) values (?, 'red', 'listed', null, 'importimportimpo', 2, 'test-operator', ?, ?)",
        )
        .bind(`${name}-`.padEnd(64, '0'), expiresAt - 14 * DAY, expiresAt),
    ),
  );
}

/** 25 rows of every kind, all past their retention at T0, and one young row each. */
async function seedOldRows(holderId: string): Promise<void> {
  // The holder's rows in its database; the feed's at home, with the pending rows (no holder yet).
  const shard = holderDatabase(holderId);
  const statements: D1PreparedStatement[] = [];
  const feed: D1PreparedStatement[] = [];
  for (let i = 0; i < 25; i++) {
    const at = OLD + i * DAY;
    const day = new Date(at * 1000).toISOString().slice(0, 10);
    statements.push(
      shard.prepare('insert into checkins (holder_id, day, at, symptoms) values (?, ?, ?, 0)').bind(holderId, day, at),
      shard
        .prepare("insert into status_events (holder_id, at, color, source, actor, reason) values (?, ?, 'green', 'operator', 'op', 'old')")
        .bind(holderId, at),
      shard.prepare("insert into audit_log (at, actor_type, actor, action) values (?, 'operator', 'op', 'holder.view')").bind(at),
    );
    feed.push(env.DB.prepare('insert into revocations (revoked_before, created_at) values (?, ?)').bind(at, at));
  }
  statements.push(
    shard.prepare("insert into checkins (holder_id, day, at, symptoms) values (?, '2026-02-28', ?, 0)").bind(holderId, T0 - 3600),
    shard
      .prepare("insert into status_events (holder_id, at, color, source, actor, reason) values (?, ?, 'green', 'operator', 'op', 'young')")
      .bind(holderId, T0 - 3600),
    shard.prepare("insert into audit_log (at, actor_type, actor, action) values (?, 'operator', 'op', 'holder.view')").bind(T0 - 3600),
  );
  feed.push(env.DB.prepare('insert into revocations (revoked_before, created_at) values (?, ?)').bind(T0 - 3600, T0 - 3600));
  await shard.batch(statements);
  await env.DB.batch(feed);
  await insertPending(
    Array.from({ length: 25 }, (_, i) => `old${i}`),
    OLD,
    shard,
  );
  await insertPending(['young'], T0 + DAY, shard);
}

describe('the bound per run', () => {
  it('deletes at most its bound per table, in chunks, and a later run continues where it stopped', async () => {
    const h = harness();
    const holder = await enrol(h);
    for (const d1 of allDatabases()) await d1.batch(TABLES.map((t) => d1.prepare(`delete from ${t}`)));
    await seedOldRows(holder.holderId);
    const bounds = {
      maxRowsPerRun: {
        checkins: 10,
        statusEvents: 10,
        auditLog: 10,
        revocations: 10,
        pending: 10,
        windowRevocations: 10,
        windowDomains: 10,
      },
      chunkRows: 4,
    };
    const run = async () => {
      const r = await prune(holder.holderId, configFor(env), T0, bounds);
      return [r.prunedCheckins, r.prunedEvents, r.prunedAudit, r.pruned, r.prunedPending];
    };
    expect(await run()).toEqual([10, 10, 10, 10, 10]);
    expect(await Promise.all(TABLES.map((t) => count(t)))).toEqual([16, 16, 16, 16, 16]);
    expect(await run()).toEqual([10, 10, 10, 10, 10]);
    expect(await run()).toEqual([5, 5, 5, 5, 5]);
    expect(await run()).toEqual([0, 0, 0, 0, 0]);
    // Only the young row of each kind is left.
    expect(await Promise.all(TABLES.map((t) => count(t)))).toEqual([1, 1, 1, 1, 1]);
    expect(await count('checkins', "day = '2026-02-28'")).toBe(1);
    expect(await count('revocations', 'revoked_before = ?', T0 - 3600)).toBe(1);
    expect(await count('pending_statuses', 'expires_at = ?', T0 + DAY)).toBe(1);
  });

  it.each<PrunedTable>(['checkins', 'statusEvents', 'auditLog', 'pending'])(
    'deletes %s by an index range, never a scan of the table',
    async (table) => {
      const plan = await env.DB.prepare(`explain query plan ${pruneStatementSql(table)}`)
        .bind(10, T0)
        .all<{ detail: string }>();
      const details = plan.results.map((r) => r.detail);
      expect(details.filter((d) => d.startsWith('SCAN'))).toEqual([]);
      expect(details.every((d) => !d.startsWith('SEARCH') || / USING |^SEARCH \w+$/.test(d))).toBe(true);
      // Checked against the plans SQLite gives: a rowid range, or the expiry index for pending rows.
      const range =
        table === 'pending'
          ? /USING INDEX pending_statuses_expires_idx \(expires_at<\?\)/
          : /USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/;
      expect(details.some((d) => range.test(d))).toBe(true);
    },
  );
});

describe('AUDIT_RETENTION_DAYS', () => {
  it.each([
    ['a year', 'must be a whole number of days'],
    ['30', 'must be at least 90 days'],
    ['36500', 'must be at most 3650 days'],
    ['-1', 'must be a whole number of days'],
  ])('refuses %j with 500 misconfigured, by name', async (value, message) => {
    const h = harness();
    const { status, body } = await h.json('GET', '/healthz', { env: { ...env, AUDIT_RETENTION_DAYS: value } });
    expect([status, body.error.code]).toEqual([500, 'misconfigured']);
    expect(body.error.message).toContain(`AUDIT_RETENTION_DAYS ${message}`);
  });

  it('defaults to 365 days and accepts a value in range', () => {
    expect(configFor(env).auditRetentionDays).toBe(365);
    expect(configFor({ ...env, AUDIT_RETENTION_DAYS: '730' }).auditRetentionDays).toBe(730);
  });
});
