// The Cron Trigger (wrangler.toml [triggers]): records the rule releases that have come due, so
// admin views and the audit log are current even for holders who never fetch a token; and prunes
// expired rows (worker/retention/). The clock is the trigger's scheduledTime. Bounded per run:
// at most TUNABLES.cronMaxHolders holders, in pages, so a backlog drains over successive runs.

import { windowOf } from '../src/index.ts';
import type { Config } from './config.ts';
import { loadCheckinsForMany, toCheckin } from './db/checkins.ts';
import type { Db } from './db/client.ts';
import { findDueHolders } from './db/holders.ts';
import type { HolderRow } from './db/schema.ts';
import { DomainError } from './domain-errors.ts';
import { WindowDomainCache } from './feed/window-domains.ts';
import { feedWriterFor } from './feed/writer.ts';
import { pruneExpired, type RetentionReport } from './retention/prune.ts';
import { applyStatusMany } from './status/apply.ts';
import { checkinWindowStart } from './status/plan.ts';
import { TUNABLES } from './tunables.ts';

export interface CronReport extends RetentionReport {
  examined: number;
  released: number;
  /** Holders not yet due whose projected end moved later (they missed a check-in). */
  rescheduled: number;
  /** Holders that kept changing through every retry: left for the next run. */
  skipped: number;
}

type ReleaseReport = Omit<CronReport, keyof RetentionReport>;

export async function runCron(db: Db, config: Config, now: number): Promise<CronReport> {
  const report: ReleaseReport = { examined: 0, released: 0, rescheduled: 0, skipped: 0 };
  let cursor: { until: number; id: string } | undefined;
  while (report.examined < TUNABLES.cronMaxHolders) {
    const page = await findDueHolders(db, now, cursor, Math.min(TUNABLES.cronPageSize, TUNABLES.cronMaxHolders - report.examined));
    if (page.length === 0) break;
    report.examined += page.length;
    const last = page[page.length - 1]!;
    cursor = { until: last.until!, id: last.id };
    await settlePage(db, config, now, page, report);
  }
  await fixWindowDomains(db, config, now);
  // After the releases, so a release due in this run is recorded before its check-ins could age out.
  return { ...report, ...(await pruneExpired(db, config, now)) };
}

/**
 * Fixes the current window's domain, and the next one's in the last DOMAIN_LEAD_SECONDS before
 * it starts, so the first token fetch of a window finds it and writes nothing. Not earlier: a
 * domain counts the holders enrolled when it is fixed, and its headroom is sized for one window
 * of enrolments (worker/config.ts WINDOW_HEADROOM).
 */
async function fixWindowDomains(db: Db, config: Config, now: number): Promise<void> {
  const domains = new WindowDomainCache();
  const sources = { readFeedDb: () => db, feedDb: () => db, holderDbs: () => [db], headroomPerBucket: config.windowHeadroomPerBucket };
  await domains.domainOf(windowOf(now), sources);
  if (windowOf(now + DOMAIN_LEAD_SECONDS) > windowOf(now)) await domains.domainOf(windowOf(now + DOMAIN_LEAD_SECONDS), sources);
}

/** Two cron intervals (every 5 minutes, wrangler.toml), so one missed run still fixes the next window in time. */
export const DOMAIN_LEAD_SECONDS = 600;

async function settlePage(db: Db, config: Config, now: number, page: HolderRow[], report: ReleaseReport): Promise<void> {
  const fromDay = page.map((h) => checkinWindowStart(h, config.policy)).sort()[0]!;
  const rows = await loadCheckinsForMany(
    db,
    page.map((h) => h.id),
    fromDay,
    TUNABLES.maxBoundParameters,
  );
  const checkins = new Map([...rows].map(([id, list]) => [id, list.map(toCheckin)]));
  // No request: the writer records any rule release that came due, or else moves `until` to the
  // new projection (a missed check-in) so the index does not hand this holder back before then.
  // Releases revoke nothing, but the writer takes a feed like every other: one written from here
  // has no head cache of its own to invalidate (the fetch isolates' lapses within seconds).
  const feed = feedWriterFor({ config, domains: new WindowDomainCache(), feedDb: db, holderDbs: () => [db], onRevocation: () => {} });
  const options = { now, policy: config.policy, ruleActor: 'cron', audit: { action: 'status.release' }, feed };
  let results: Awaited<ReturnType<typeof applyStatusMany>>;
  try {
    results = await applyStatusMany(
      db,
      page.map((holder) => ({ holder, options })),
      checkins,
    );
  } catch (err) {
    if (!(err instanceof DomainError && err.code === 'conflict')) throw err;
    report.skipped += page.length;
    return;
  }
  for (const r of results) {
    if (!r.written) report.skipped++;
    else if (r.plan.steps.length > 0) report.released++;
    else report.rescheduled++;
  }
}
