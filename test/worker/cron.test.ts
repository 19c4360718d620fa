// The Cron Trigger: records due rule releases at their exact time, reschedules holders who are
// not yet due, and prunes revocations too old to matter. Driven through the Worker's own
// `scheduled` export, with the trigger's scheduledTime as the clock.

import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { configFor } from '../../worker/config.ts';
import { runCron } from '../../worker/cron.ts';
import worker from '../../worker/index.ts';
import { openShards } from '../../worker/shards/shards.ts';
import { DAY, T0 } from './fixtures.ts';
import { count, enrol, harness, holderDatabase, NO_SYMPTOMS } from './helpers.ts';

const WINDOW = 6 * 3600;

async function runCronAt(seconds: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: seconds * 1000, cron: '*/15 * * * *' }), env);
  await waitOnExecutionContext(ctx);
}

async function holderRow(id: string) {
  return holderDatabase(id)
    .prepare('select color, since, until, status_version from holders where id = ?')
    .bind(id)
    .first<{ color: string; since: number; until: number | null; status_version: number }>();
}

describe('the cron', () => {
  it('records the release of a holder who completed isolation and check-ins, at the exact moment it happened', async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, contactWithCase: true } });
    for (let d = 0; d < 14; d++) {
      h.clock.t = T0 + d * DAY + 600;
      await h.call('POST', '/v1/holders/me/checkins', { json: { symptoms: false }, token: holder.secret });
    }
    await runCronAt(T0 + 14 * DAY + 3 * 3600);
    expect(await holderRow(holder.holderId)).toEqual({ color: 'green', since: T0 + 14 * DAY, until: null, status_version: 2 });
    const events = await holderDatabase(holder.holderId)
      .prepare("select at, color, actor from status_events where holder_id = ? and source = 'rule'")
      .bind(holder.holderId)
      .all();
    expect(events.results).toEqual([{ at: T0 + 14 * DAY, color: 'green', actor: 'cron' }]);
    expect(
      await count(
        'audit_log',
        "holder_id = ? and action = 'status.release' and actor_type = 'rule' and from_color = 'red' and to_color = 'green'",
        holder.holderId,
      ),
    ).toBe(1);
    // A second run finds nothing more to do.
    await runCronAt(T0 + 14 * DAY + 4 * 3600);
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(2);
  });

  it('moves the projected end of a holder who missed check-ins, so the next runs skip them until then', async () => {
    const h = harness();
    const holder = await enrol(h, { declaration: { ...NO_SYMPTOMS, symptoms: true } });
    expect((await holderRow(holder.holderId))!.until).toBe(T0 + 7 * DAY);
    const at = T0 + 7 * DAY + 60;
    await runCronAt(at);
    const row = await holderRow(holder.holderId);
    // Same status; only the projection moved (every write of the holder row bumps its version).
    expect(row).toMatchObject({ color: 'yellow', since: T0, status_version: 2 });
    // No check-ins at all: seven local days from today (2026-03-08 to 03-14) at the earliest,
    // so no sooner than 2026-03-14 00:00 in Asia/Shanghai.
    expect(row!.until).toBe(Date.UTC(2026, 2, 13, 16) / 1000);
    // The next run does not even look at this holder (nor any other: none is due).
    const report = await runCron(openShards(env), configFor(env), at + 3600);
    expect(report).toMatchObject({ examined: 0, released: 0, rescheduled: 0 });
    expect(await count('status_events', 'holder_id = ?', holder.holderId)).toBe(1);
  });

  it('fixes the current window’s domain, and the next one’s only in the last ten minutes before it starts', async () => {
    const start = T0 + 40 * DAY; // a window boundary
    const domains = () => count('window_domains', '"window" in (?, ?)', start / WINDOW - 1, start / WINDOW);
    await runCronAt(start - 601);
    expect(await domains()).toBe(1);
    await runCronAt(start - 600);
    expect(await domains()).toBe(2);
  });

  it('prunes revocations older than two token lifetimes but always keeps the newest row', async () => {
    const now = T0 + 30 * DAY;
    const older = now - 3 * DAY;
    const newer = now - DAY;
    await env.DB.batch([
      env.DB.prepare('insert into revocations (revoked_before, created_at) values (?, ?)').bind(older, older),
      env.DB.prepare('insert into revocations (revoked_before, created_at) values (?, ?)').bind(newer, newer),
    ]);
    await runCronAt(now);
    expect(await count('revocations', 'revoked_before = ?', older)).toBe(0);
    expect(await count('revocations', 'revoked_before = ?', newer)).toBe(1);
    await runCronAt(now + 10 * DAY);
    expect(await count('revocations', 'revoked_before = ?', newer)).toBe(1); // the newest row keeps the head sequence
  });
});
