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
import { forwardRevocations, pruneOutbox } from './feed/forward.ts';
import { type DomainSources, WindowDomainCache } from './feed/window-domains.ts';
import { domainSources, type FeedWriter, feedWriterFor } from './feed/writer.ts';
import { describeForLog } from './log-safe.ts';
import { emptyRetentionReport, pruneExpired, pruneFeed, type RetentionReport, shareOfBounds } from './retention/prune.ts';
import type { Shards } from './shards/shards.ts';
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
  /** Outbox revocations copied into the feed (worker/feed/forward.ts). */
  forwarded: number;
  prunedOutbox: number;
}

type ReleaseReport = Pick<CronReport, 'examined' | 'released' | 'rescheduled' | 'skipped'>;

/**
 * Every holder database in turn, then the feed. The run's budgets (TUNABLES.cronMaxHolders and
 * the retention bounds) are shared out over the databases, so one run's D1 queries stay the same
 * whatever their number (docs/scale.md "Retention"). A database that fails does not stop the
 * others; the run then ends in an error naming it, and the next run retries.
 */
export async function runCron(shards: Shards, config: Config, now: number): Promise<CronReport> {
  const count = shards.all.length;
  const bounds = shareOfBounds(count);
  const report: CronReport = {
    examined: 0,
    released: 0,
    rescheduled: 0,
    skipped: 0,
    forwarded: 0,
    prunedOutbox: 0,
    ...emptyRetentionReport(),
  };
  const failed: string[] = [];
  const domains = new WindowDomainCache();
  // Releases revoke nothing, but the writer takes a feed like every other; its rows are copied
  // into the feed below, database by database.
  const feed = feedWriterFor({
    config,
    domains,
    homeDb: shards.home,
    holderDbs: () => shards.all.map((s) => s.db),
    onRevocation: () => {},
  });
  for (const shard of shards.all) {
    try {
      add(report, await releaseDue(shard.db, config, now, Math.ceil(TUNABLES.cronMaxHolders / count), feed));
      // After the releases, so a release due in this run is recorded before its check-ins could age out.
      add(report, await pruneExpired(shard.db, config, now, bounds));
      report.forwarded += (await forwardRevocations(shards.home, shard, Math.ceil(TUNABLES.cronForwardRows / count))).forwarded;
      report.prunedOutbox += await pruneOutbox(shards.home, shard, now - TUNABLES.outboxKeepSeconds, bounds.maxRowsPerRun.revocations);
    } catch (err) {
      failed.push(shard.name);
      console.error(`cron: holder database ${shard.name} failed: ${describeForLog(err)}`);
    }
  }
  Object.assign(report, await pruneFeed(shards.home, config, now));
  await fixWindowDomains(domains, domainSources(config, shards), now);
  if (failed.length > 0) throw new DomainError('shard_unavailable', `Holder database ${failed.join(', ')} failed in this cron run.`);
  return report;
}

function add<T extends object>(into: T, part: Partial<T>): void {
  for (const [key, value] of Object.entries(part)) (into as Record<string, number>)[key]! += value as number;
}

async function releaseDue(db: Db, config: Config, now: number, maxHolders: number, feed: FeedWriter): Promise<ReleaseReport> {
  const report: ReleaseReport = { examined: 0, released: 0, rescheduled: 0, skipped: 0 };
  let cursor: { until: number; id: string } | undefined;
  while (report.examined < maxHolders) {
    const page = await findDueHolders(db, now, cursor, Math.min(TUNABLES.cronPageSize, maxHolders - report.examined));
    if (page.length === 0) break;
    report.examined += page.length;
    const last = page[page.length - 1]!;
    cursor = { until: last.until!, id: last.id };
    await settlePage(db, config, now, page, report, feed);
  }
  return report;
}

/**
 * Fixes the current window's domain, and the next one's in the last DOMAIN_LEAD_SECONDS before
 * it starts, so the first token fetch of a window finds it and writes nothing. Not earlier: a
 * domain counts the holders enrolled when it is fixed, and its headroom is sized for one window
 * of enrolments (worker/config.ts WINDOW_HEADROOM).
 */
async function fixWindowDomains(domains: WindowDomainCache, sources: DomainSources, now: number): Promise<void> {
  await domains.domainOf(windowOf(now), sources);
  if (windowOf(now + DOMAIN_LEAD_SECONDS) > windowOf(now)) await domains.domainOf(windowOf(now + DOMAIN_LEAD_SECONDS), sources);
}

/** Two cron intervals (every 5 minutes, wrangler.toml), so one missed run still fixes the next window in time. */
export const DOMAIN_LEAD_SECONDS = 600;

async function settlePage(db: Db, config: Config, now: number, page: HolderRow[], report: ReleaseReport, feed: FeedWriter): Promise<void> {
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
