// GET /v1/admin/dashboard: the console's numbers, from the maintained counters only
// (worker/db/counters.ts): colours now, 30 days of transitions, imports and check-ins, and
// today's check-ins against the holders who owe one. Never a scan of holders.

import type { Hono } from 'hono';
import { DASHBOARD_DAYS, type DashboardView, localDate, shiftDate } from '../../src/index.ts';
import { readDashboardCounts, sumDashboardCounts } from '../db/counters.ts';
import type { AppEnv } from '../env.ts';
import { fanOut } from '../shards/fan-out.ts';

export function registerAdminDashboardRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/admin/dashboard', async (c) => {
    const { shards, config, now } = c.var;
    const today = localDate(now, config.policy.timeZone);
    const dayKeys = Array.from({ length: DASHBOARD_DAYS }, (_, i) => shiftDate(today, i - (DASHBOARD_DAYS - 1)));
    // Every holder database counts its own holders and writes; the dashboard is their sum.
    const counts = sumDashboardCounts(await fanOut(shards.all, (shard) => readDashboardCounts(shard.db, dayKeys)));
    const todays = counts.days[counts.days.length - 1]!.counts;
    c.header('Cache-Control', 'no-store');
    return c.json({
      asOf: now,
      today,
      timeZone: config.policy.timeZone,
      colors: counts.colors,
      // Red and yellow holders owe a check-in every day (src/status-rules.ts DEFAULT_POLICY); green ones do not.
      checkins: { today: todays.checkins, holdersDue: counts.colors.red + counts.colors.yellow },
      days: counts.days.map(({ day, counts: d }) => ({
        day,
        toRed: d.to_red,
        toYellow: d.to_yellow,
        toGreen: d.to_green,
        checkins: d.checkins,
        imports: d.imports,
        importApplied: d.import_applied,
      })),
    } satisfies DashboardView);
  });
}
