// The Cron Trigger (wrangler.toml [triggers]): records the rule releases that have come due, so
// admin views and the audit log are current even for holders who never fetch a token; and prunes
// revocation rows too old to matter. The clock is the trigger's scheduledTime. Bounded per run:
// at most TUNABLES.cronMaxHolders holders, in pages, so a backlog drains over successive runs.

import { and, eq } from 'drizzle-orm';
import type { Config } from './config.ts';
import { loadCheckinsForMany, toCheckin } from './db/checkins.ts';
import { type Db, runBatch, statementOf } from './db/client.ts';
import { findDueHolders } from './db/holders.ts';
import { pruneRevocations } from './db/revocations.ts';
import type { HolderRow } from './db/schema.ts';
import { holders } from './db/schema.ts';
import { prepareStatusWrite } from './db/status-writes.ts';
import { checkinWindowStart, planStatus } from './status/plan.ts';
import { TUNABLES } from './tunables.ts';

export interface CronReport {
  examined: number;
  released: number;
  /** Holders not yet due whose projected end moved later (they missed a check-in). */
  rescheduled: number;
  /** Lost races: left for the next run. */
  skipped: number;
  pruned: number;
}

export async function runCron(db: Db, config: Config, now: number): Promise<CronReport> {
  const report: CronReport = { examined: 0, released: 0, rescheduled: 0, skipped: 0, pruned: 0 };
  let cursor: { until: number; id: string } | undefined;
  while (report.examined < TUNABLES.cronMaxHolders) {
    const page = await findDueHolders(db, now, cursor, Math.min(TUNABLES.cronPageSize, TUNABLES.cronMaxHolders - report.examined));
    if (page.length === 0) break;
    report.examined += page.length;
    const last = page[page.length - 1]!;
    cursor = { until: last.until!, id: last.id };
    await settlePage(db, config, now, page, report);
  }
  const retention = TUNABLES.revocationRetentionLifetimes * config.tokenLifetimeSeconds;
  report.pruned = await pruneRevocations(db, now - retention, 1000);
  return report;
}

async function settlePage(db: Db, config: Config, now: number, page: HolderRow[], report: CronReport): Promise<void> {
  const fromDay = page.map((h) => checkinWindowStart(h, config.policy)).sort()[0]!;
  const checkins = await loadCheckinsForMany(
    db,
    page.map((h) => h.id),
    fromDay,
    TUNABLES.maxBoundParameters,
  );
  const statements: D1PreparedStatement[] = [];
  // Per holder: what its write does, and where its guarded update sits in the batch.
  const writes: { kind: 'released' | 'rescheduled'; guard: number }[] = [];
  for (const holder of page) {
    const plan = planStatus(holder, (checkins.get(holder.id) ?? []).map(toCheckin), now, config.policy, () => undefined, 'cron');
    const guard = statements.length;
    if (plan.steps.length > 0) {
      // Rule releases only (upgrades), so they never add revocations.
      statements.push(
        ...prepareStatusWrite(db, { holder, plan, now, timeZone: config.policy.timeZone, audit: { action: 'status.release' } }).statements,
      );
      writes.push({ kind: 'released', guard });
    } else {
      // Not released yet: `until` was a lower bound that has passed (a missed check-in). Move it
      // to the new projection so the index does not hand this holder back before then. Only the
      // projection changes, not the status, so there is no event; the version guard keeps it
      // from overwriting a newer status.
      statements.push(
        statementOf(
          db,
          db
            .update(holders)
            .set({ until: plan.after.until ?? null })
            .where(and(eq(holders.id, holder.id), eq(holders.statusVersion, holder.statusVersion))),
        ),
      );
      writes.push({ kind: 'rescheduled', guard });
    }
  }
  const results = await runBatch(db, statements);
  for (const w of writes) {
    if (results[w.guard]!.meta.changes === 1) report[w.kind]++;
    else report.skipped++;
  }
}
