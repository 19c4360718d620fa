// Optimistic concurrency: a status write decided against a row that has since changed writes
// nothing at all, and the retry re-plans from the fresh row instead of applying twice.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { configFor } from '../../worker/config.ts';
import { findHolderById } from '../../worker/db/holders.ts';
import { FeedHeadCache } from '../../worker/feed/head-cache.ts';
import { recordCheckin } from '../../worker/holders/checkin.ts';
import { applyStatus, writePlan } from '../../worker/status/apply.ts';
import { planStatus } from '../../worker/status/plan.ts';
import { T0 } from './fixtures.ts';
import { count, countingEnv, enrol, harness, holderDatabase, holderDb, setStatus, testFeedWriter } from './helpers.ts';

const policy = () => configFor(env).policy;
const tables = ['status_events', 'audit_log', 'revocations', 'checkins'];
const counts = () => Promise.all(tables.map((t) => count(t)));

describe('lost races', () => {
  it('writes nothing when the holder changed after it was read', async () => {
    const h = harness();
    const holder = await enrol(h);
    const db = holderDb(holder.holderId);
    const stale = (await findHolderById(db, holder.holderId))!;
    h.clock.t += 10;
    await setStatus(h, holder.holderId, 'yellow', 'someone else got there first');
    const before = await counts();
    const plan = planStatus(
      stale,
      [],
      T0 + 20,
      policy(),
      () => ({ to: 'red', source: 'operator', actorType: 'operator', actor: 'late', reason: 'stale decision' }),
      'test',
    );
    expect(
      await writePlan(db, stale, plan, { now: T0 + 20, policy: policy(), audit: { action: 'status.set' }, feed: testFeedWriter(h) }),
    ).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect((await findHolderById(db, holder.holderId))!).toMatchObject({ color: 'yellow', statusVersion: 2 });
  });

  it('re-plans from the fresh row after a lost race, so the change applies once and from the right colour', async () => {
    const h = harness();
    const holder = await enrol(h);
    const db = holderDb(holder.holderId);
    const stale = (await findHolderById(db, holder.holderId))!;
    h.clock.t += 10;
    await setStatus(h, holder.holderId, 'yellow');
    const result = await applyStatus(db, stale, {
      now: T0 + 20,
      policy: policy(),
      ruleActor: 'test',
      audit: { action: 'status.set' },
      decide: (current) =>
        current.color === 'red' ? undefined : { to: 'red', source: 'operator', actorType: 'operator', actor: 'late', reason: 'retry' },
      feed: testFeedWriter(h),
    });
    expect(result.written).toBe(true);
    expect(result.plan.steps.map((s) => [s.from, s.to])).toEqual([['yellow', 'red']]);
    expect(await count('status_events', "holder_id = ? and color = 'red'", holder.holderId)).toBe(1);
    expect((await findHolderById(db, holder.holderId))!.statusVersion).toBe(3);
  });

  it('drops a symptomatic check-in (and its yellow) when another symptomatic check-in for the day got there first', async () => {
    const h = harness();
    const holder = await enrol(h);
    const db = holderDb(holder.holderId);
    const stale = (await findHolderById(db, holder.holderId))!;
    await holderDatabase(holder.holderId)
      .prepare("insert into checkins (holder_id, day, at, symptoms) values (?, '2026-03-01', ?, 1)")
      .bind(holder.holderId, T0 + 5)
      .run();
    const outcome = await recordCheckin(db, policy(), T0 + 10, stale, { symptoms: true }, testFeedWriter(h));
    expect(outcome).toMatchObject({ day: '2026-03-01', counted: false, notCounted: 'already_checked_in', status: { color: 'green' } });
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(1);
    expect(await count('checkins', 'holder_id = ?', holder.holderId)).toBe(1);
  });
});

describe('concurrent feed polls', () => {
  it('read the feed head from D1 once per cache lifetime, however many polls arrive together', async () => {
    const h = harness();
    await setStatus(h, (await enrol(h)).holderId, 'red');
    const etag = (await h.call('GET', '/v1/revocations?since=0')).headers.get('etag')!;
    h.clock.t += 10; // the head cache (5 s) has lapsed
    const { env: counted, calls } = countingEnv();
    const polls = await Promise.all(
      Array.from({ length: 32 }, () => h.call('GET', '/v1/revocations?since=0', { headers: { 'if-none-match': etag }, env: counted })),
    );
    expect(polls.map((r) => r.status)).toEqual(Array(32).fill(304));
    // One head read: withSession on the binding (the query itself runs on the session).
    expect(calls()).toBe(1);
  });

  it('does not remember a head read that was in flight when this isolate wrote a revocation', async () => {
    const cache = new FeedHeadCache();
    let release!: (seq: number) => void;
    let loads = 0;
    const slowLoad = () => {
      loads++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const waiting = [cache.read(T0, slowLoad), cache.read(T0, slowLoad)];
    cache.invalidate(); // a downgrade committed here while the read was in flight
    const afterWrite = cache.read(T0, async () => {
      loads++;
      return 8;
    });
    release(7);
    // The polls that asked before the write get the value they waited for; the next one does not.
    expect(await Promise.all(waiting)).toEqual([7, 7]);
    expect(await afterWrite).toBe(8);
    expect(loads).toBe(2);
    expect(cache.fresh(T0)).toBe(8);
  });
});
