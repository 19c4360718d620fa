// The console's dashboard numbers: maintained counters that agree with the tables they summarise
// after every kind of write, that a lost race leaves untouched, and a dashboard refresh that never
// reads the holders table (EXPLAIN QUERY PLAN of the very statements it runs).

import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { localDate, startOfLocalDate } from '../../src/index.ts';
import { configFor } from '../../worker/config.ts';
import { runCron } from '../../worker/cron.ts';
import { DASHBOARD_QUERIES } from '../../worker/db/counters.ts';
import { findHolderById } from '../../worker/db/holders.ts';
import { openShards } from '../../worker/shards/shards.ts';
import { writePlan } from '../../worker/status/apply.ts';
import { planStatus } from '../../worker/status/plan.ts';
import { DAY, T0 } from './fixtures.ts';
import {
  count,
  enrol,
  everyDatabase,
  type Harness,
  harness,
  holderDb,
  NO_SYMPTOMS,
  operatorToken,
  setStatus,
  testFeedWriter,
} from './helpers.ts';

const ZONE = 'Asia/Shanghai'; // wrangler.toml [vars] TIME_ZONE, written out on purpose

/** What the holders table says, counted by the test itself. */
async function colorsInTable(): Promise<Record<string, number>> {
  const rows = await everyDatabase<{ color: string; n: number }>('select color, count(*) as n from holders group by color');
  const out: Record<string, number> = { green: 0, yellow: 0, red: 0 };
  for (const r of rows) out[r.color]! += r.n;
  return out;
}

/** Status events of one colour recorded during a local day, counted from status_events. */
async function eventsOn(day: string, color: string): Promise<number> {
  const start = startOfLocalDate(day, ZONE);
  return count('status_events', 'color = ? and at >= ? and at < ?', color, start, start + DAY);
}

async function dashboard(h: Harness) {
  const { status, body } = await h.json('GET', '/v1/admin/dashboard', { token: operatorToken() });
  expect(status).toBe(200);
  return body;
}

describe('dashboard counters', () => {
  it('match the holders and status_events tables after enrolments, operator changes, imports, check-ins and cron releases', async () => {
    const h = harness();
    const today = localDate(h.clock.t, ZONE);
    const greens = [await enrol(h), await enrol(h), await enrol(h)];
    const yellow = await enrol(h, { declaration: { ...NO_SYMPTOMS, fromHighRiskArea: true } });
    const red = await enrol(h, { declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    h.clock.t += 60;
    expect((await setStatus(h, greens[0]!.holderId, 'red')).status).toBe(200);
    // A no-op change counts nothing.
    expect((await setStatus(h, greens[0]!.holderId, 'red')).status).toBe(200);
    const csv = `idNumber,color,reason\n${greens[1]!.idNumber},yellow,list A\n${greens[2]!.idNumber},green,already green\n99999999999999999X,red,nobody\n`;
    expect((await h.call('POST', '/v1/admin/holders/import', { body: csv, contentType: 'text/csv', token: operatorToken() })).status).toBe(
      200,
    );
    h.clock.t += 60;
    expect((await h.call('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: yellow.secret })).status).toBe(201);
    // The second check-in of the day does not count, and is not counted.
    await h.call('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: yellow.secret });
    await h.call('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: red.secret });

    const first = await dashboard(h);
    expect(first.colors).toEqual(await colorsInTable());
    expect(first.today).toBe(today);
    const todayRow = first.days[first.days.length - 1];
    expect(todayRow).toMatchObject({
      day: today,
      toRed: await eventsOn(today, 'red'),
      toYellow: await eventsOn(today, 'yellow'),
      toGreen: await eventsOn(today, 'green'),
      imports: 1,
      importApplied: 1,
    });
    const checkinsToday = { n: await count('checkins', 'day = ?', today) };
    expect(first.checkins).toEqual({ today: checkinsToday!.n, holdersDue: first.colors.red + first.colors.yellow });
    expect(first.days).toHaveLength(30);

    // A week later the yellow holder's isolation is over (checked in every day), and the rules release them.
    for (let d = 1; d <= 7; d++) {
      h.clock.t = T0 + d * DAY + 600;
      for (const who of [yellow]) await h.call('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: who.secret });
    }
    const later = T0 + 8 * DAY + 3600;
    await runCron(openShards(env), configFor(env), later);
    // Released by the check-in that completed the run or by the cron, whichever came first.
    expect((await findHolderById(holderDb(yellow.holderId), yellow.holderId))!.color).toBe('green');
    h.clock.t = later;
    const second = await dashboard(h);
    expect(second.colors).toEqual(await colorsInTable());
    for (const row of second.days.filter((d: { day: string }) => d.day >= today)) {
      expect([row.day, row.toGreen, row.toYellow, row.toRed]).toEqual([
        row.day,
        await eventsOn(row.day, 'green'),
        await eventsOn(row.day, 'yellow'),
        await eventsOn(row.day, 'red'),
      ]);
    }
  });

  it('counts nothing for a write that lost its race', async () => {
    const h = harness();
    const holder = await enrol(h);
    const db = holderDb(holder.holderId);
    const stale = (await findHolderById(db, holder.holderId))!;
    h.clock.t += 10;
    await setStatus(h, holder.holderId, 'yellow');
    const before = await dashboard(h);
    const policy = configFor(env).policy;
    const plan = planStatus(
      stale,
      [],
      h.clock.t,
      policy,
      () => ({ to: 'red', source: 'operator', actorType: 'operator', actor: 'late', reason: 'stale' }),
      'test',
    );
    expect(
      await writePlan(db, stale, plan, { now: h.clock.t, policy, audit: { action: 'status.set' }, feed: testFeedWriter(h) }),
    ).toBeUndefined();
    expect(await dashboard(h)).toEqual(before);
  });

  it('a dashboard refresh is one D1 round trip per holder database that never reads the holders table, whatever its size', async () => {
    const h = harness();
    await enrol(h);
    const used: string[] = [];
    const db = new Proxy(env.DB, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          used.push(String(property));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const { status } = await h.json('GET', '/v1/admin/dashboard', { token: operatorToken(), env: { ...env, DB: db } });
    expect(status).toBe(200);
    // Two statements prepared and sent together: one round trip to this database (and one to each other).
    expect(used).toEqual(['prepare', 'prepare', 'batch']);
    const plans: string[] = [];
    for (const sql of Object.values(DASHBOARD_QUERIES)) {
      const explained = await env.DB.prepare(`explain query plan ${sql}`)
        .bind(...(sql.includes('?') ? ['2026-01-01', '2026-01-30'] : []))
        .all<{ detail: string }>();
      plans.push(...explained.results.map((r) => r.detail));
    }
    expect(plans.length).toBeGreaterThan(0);
    for (const detail of plans) expect(detail).not.toMatch(/holders/i);
    // The 30-day read is a primary-key range search, not a scan.
    expect(plans.some((d) => /SEARCH daily_counts USING (PRIMARY KEY|INDEX)/.test(d))).toBe(true);
  });
});
