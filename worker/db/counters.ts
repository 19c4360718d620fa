// The console's maintained counters (docs/console.md "Where the numbers come from"): holders per
// colour now, and per local day the status transitions, counted check-ins and import runs. Every
// writer adds its counter statements to the batch that makes the change, chained with
// `where changes() = 1` like the rest of a guarded write (./status-writes.ts), so a lost race
// counts nothing and a counter never drifts from what was written. The dashboard reads only these
// two small tables: DASHBOARD_QUERIES is what it runs, and the tests EXPLAIN those very strings.

import { eq, sql } from 'drizzle-orm';
import type { Color } from '../../src/index.ts';
import { type Db, rawStatement } from './client.ts';
import { colorCounts, dailyCounts } from './schema.ts';

/** What daily_counts counts per day. `to_<colour>`: status events recorded with that colour. */
export const DAILY_METRICS = ['to_green', 'to_yellow', 'to_red', 'checkins', 'imports', 'import_applied'] as const;
export type DailyMetric = (typeof DAILY_METRICS)[number];

export const DASHBOARD_QUERIES = {
  colors: 'select color, holders from color_counts',
  days: 'select day, metric, count from daily_counts where day >= ? and day <= ?',
} as const;

export function transitionMetric(to: Color): DailyMetric {
  return `to_${to}`;
}

/**
 * Adds `by` to a day's metric. `gated`: only if the statement before it in the batch wrote a row
 * (the chain of a guarded write); the upsert itself always writes one row, so the chain goes on.
 */
export function bumpDaily(db: Db, day: string, metric: DailyMetric, by: number, gated: boolean): D1PreparedStatement {
  // SQLite needs a WHERE on the SELECT of an INSERT ... SELECT ... ON CONFLICT (upsert parsing).
  return rawStatement(
    db,
    `insert into daily_counts (day, metric, count) select ?, ?, ? where ${gated ? 'changes() = 1' : '1'}
     on conflict (day, metric) do update set count = count + excluded.count`,
    day,
    metric,
    by,
  );
}

/**
 * Moves one holder between colours (or adds one, with from undefined), gated like bumpDaily.
 * A move updates two rows in one statement, after which changes() is 2: it must therefore be the
 * LAST statement of its chain (prepareStatusWrite puts it there).
 */
export function moveColorCount(db: Db, from: Color | undefined, to: Color, gated: boolean): D1PreparedStatement[] {
  if (from === to) return [];
  const guard = gated ? ' and changes() = 1' : '';
  if (from === undefined) return [rawStatement(db, `update color_counts set holders = holders + 1 where color = ?${guard}`, to)];
  // changes() is read before this statement completes, so both rows see the previous statement's count.
  return [
    rawStatement(
      db,
      `update color_counts set holders = holders + (case when color = ? then 1 else -1 end) where color in (?, ?)${guard}`,
      to,
      to,
      from,
    ),
  ];
}

/** bumpDaily, ungated, as a drizzle query for drizzle batches (a new holder's creation). */
export function bumpDailyQuery(db: Db, day: string, metric: DailyMetric, by = 1) {
  return db
    .insert(dailyCounts)
    .values({ day, metric, count: by })
    .onConflictDoUpdate({ target: [dailyCounts.day, dailyCounts.metric], set: { count: sql`${dailyCounts.count} + ${by}` } });
}

/** One more holder of this colour, as a drizzle query for drizzle batches. */
export function addHolderQuery(db: Db, color: Color) {
  return db
    .update(colorCounts)
    .set({ holders: sql`${colorCounts.holders} + 1` })
    .where(eq(colorCounts.color, color));
}

export interface DashboardCounts {
  colors: Record<Color, number>;
  /** Oldest first, DASHBOARD_DAYS entries, zero-filled. */
  days: { day: string; counts: Record<DailyMetric, number> }[];
}

/** Two bounded reads: three rows, and at most DASHBOARD_DAYS x DAILY_METRICS rows by primary key. */
export async function readDashboardCounts(db: Db, dayKeys: readonly string[]): Promise<DashboardCounts> {
  const [colorRows, dayRows] = await db.$client.batch<Record<string, unknown>>([
    db.$client.prepare(DASHBOARD_QUERIES.colors),
    db.$client.prepare(DASHBOARD_QUERIES.days).bind(dayKeys[0]!, dayKeys[dayKeys.length - 1]!),
  ]);
  const colors: Record<Color, number> = { green: 0, yellow: 0, red: 0 };
  for (const r of colorRows!.results as { color: Color; holders: number }[]) colors[r.color] = r.holders;
  const byDay = new Map<string, Record<DailyMetric, number>>();
  for (const day of dayKeys) byDay.set(day, Object.fromEntries(DAILY_METRICS.map((m) => [m, 0])) as Record<DailyMetric, number>);
  for (const r of dayRows!.results as { day: string; metric: string; count: number }[]) {
    const counts = byDay.get(r.day);
    if (counts && (DAILY_METRICS as readonly string[]).includes(r.metric)) counts[r.metric as DailyMetric] = r.count;
  }
  return { colors, days: dayKeys.map((day) => ({ day, counts: byDay.get(day)! })) };
}

/** The sum of every holder database's counts (each counts only its own holders and writes). */
export function sumDashboardCounts(parts: readonly DashboardCounts[]): DashboardCounts {
  const [first, ...rest] = parts;
  if (!first) throw new RangeError('at least one database');
  const colors = { ...first.colors };
  const days = first.days.map(({ day, counts }) => ({ day, counts: { ...counts } }));
  for (const part of rest) {
    for (const color of Object.keys(colors) as Color[]) colors[color] += part.colors[color];
    part.days.forEach(({ counts }, i) => {
      for (const metric of DAILY_METRICS) days[i]!.counts[metric] += counts[metric];
    });
  }
  return { colors, days };
}
