// The cron's retention pass (docs/operations.md "What is kept, and for how long"; sizing in
// docs/scale.md "Retention"). Bounded per run: at most TUNABLES.retentionMaxRowsPerRun rows per
// table, deleted in statements of TUNABLES.retentionChunkRows, each an index range (never a scan
// of the table), so a backlog drains over successive runs.
//
// The statements themselves, and why they are index ranges: ./statements.ts.

import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { pruneRevocations, pruneWindowRevocations } from '../db/revocations.ts';
import { pruneWindowDomains } from '../db/window-domains.ts';
import { TUNABLES } from '../tunables.ts';
import { OLDEST_FIRST, type PrunedTable } from './statements.ts';
import { retentionCutoffs } from './windows.ts';

export interface RetentionReport {
  /** Revocation rows too old to revoke any live token. */
  pruned: number;
  /** Key-people list rows for people who never enrolled, whose isolation is over. */
  prunedPending: number;
  prunedCheckins: number;
  prunedEvents: number;
  prunedAudit: number;
  /** Window indices of windows that have left the feed (no verifier keeps them). */
  prunedWindowIndices: number;
  /** Domains of those windows, once their indices are gone. */
  prunedWindowDomains: number;
}

export interface RetentionBounds {
  /** Rows deleted per table per run at most. */
  maxRowsPerRun: Readonly<Record<PrunedTable | 'revocations' | 'windowRevocations' | 'windowDomains', number>>;
  /** Rows one statement deletes at most. */
  chunkRows: number;
}

const DEFAULT_BOUNDS: RetentionBounds = { maxRowsPerRun: TUNABLES.retentionMaxRowsPerRun, chunkRows: TUNABLES.retentionChunkRows };

/** One holder database's share of a run's bounds, when `databases` share one run. */
export function shareOfBounds(databases: number, bounds = DEFAULT_BOUNDS): RetentionBounds {
  const share = (n: number) => Math.max(bounds.chunkRows, Math.ceil(n / databases));
  const maxRowsPerRun = Object.fromEntries(Object.entries(bounds.maxRowsPerRun).map(([table, n]) => [table, share(n)]));
  return { ...bounds, maxRowsPerRun: maxRowsPerRun as RetentionBounds['maxRowsPerRun'] };
}

export function emptyRetentionReport(): RetentionReport {
  return {
    pruned: 0,
    prunedPending: 0,
    prunedCheckins: 0,
    prunedEvents: 0,
    prunedAudit: 0,
    prunedWindowIndices: 0,
    prunedWindowDomains: 0,
  };
}

/** The parts of a report the feed's own pass fills (pruneFeed). */
export type FeedRetentionReport = Pick<RetentionReport, 'pruned' | 'prunedWindowIndices' | 'prunedWindowDomains'>;

/** One holder database's rows that no rule needs any more. The feed is pruned by pruneFeed. */
export async function pruneExpired(
  db: Db,
  config: Config,
  now: number,
  bounds = DEFAULT_BOUNDS,
): Promise<Omit<RetentionReport, keyof FeedRetentionReport>> {
  const cut = retentionCutoffs(config, now);
  const table = (name: PrunedTable, cutoff: string | number) => pruneTable(db, name, cutoff, bounds.maxRowsPerRun[name], bounds.chunkRows);
  return {
    prunedPending: await table('pending', cut.pendingExpiredBy),
    prunedCheckins: await table('checkins', cut.checkinDay),
    prunedEvents: await table('statusEvents', cut.auditBefore),
    prunedAudit: await table('auditLog', cut.auditBefore),
  };
}

/**
 * The home database's feed: entries too old to revoke any live token, then the window indices of
 * every window no verifier keeps, then those windows' domains.
 */
export async function pruneFeed(home: Db, config: Config, now: number, bounds = DEFAULT_BOUNDS): Promise<FeedRetentionReport> {
  const cut = retentionCutoffs(config, now);
  const pruned = await inChunks(bounds.maxRowsPerRun.revocations, bounds.chunkRows, (n) => pruneRevocations(home, cut.revokedBefore, n));
  return { pruned, ...(await pruneWindows(home, cut.oldestLiveWindow, bounds)) };
}

/**
 * The feed's per-window rows, oldest windows first (primary-key ranges): the indices of every
 * window before the oldest a verifier keeps, then, if they are all gone, those windows' domains.
 */
async function pruneWindows(
  feedDb: Db,
  oldestLiveWindow: number,
  bounds: RetentionBounds,
): Promise<Pick<RetentionReport, 'prunedWindowIndices' | 'prunedWindowDomains'>> {
  const max = bounds.maxRowsPerRun.windowRevocations;
  const prunedWindowIndices = await inChunks(max, bounds.chunkRows, (n) => pruneWindowRevocations(feedDb, oldestLiveWindow, n));
  // A domain is read only with its window's indices, so it goes once they have (a run that hit its
  // bound leaves the domains for the next).
  const prunedWindowDomains =
    prunedWindowIndices < max
      ? await inChunks(bounds.maxRowsPerRun.windowDomains, bounds.chunkRows, (n) => pruneWindowDomains(feedDb, oldestLiveWindow, n))
      : 0;
  return { prunedWindowIndices, prunedWindowDomains };
}

export async function pruneTable(
  db: Db,
  table: PrunedTable,
  cutoff: string | number,
  maxRows: number,
  chunkRows: number = TUNABLES.retentionChunkRows,
): Promise<number> {
  const statement = db.$client.prepare(OLDEST_FIRST[table]);
  return inChunks(maxRows, chunkRows, async (n) => (await statement.bind(n, cutoff).run()).meta.changes ?? 0);
}

/**
 * Deletes in statements of at most `chunkRows` until `maxRows` are gone or a
 * statement deletes nothing (the oldest row left is still needed). The statement count is capped
 * too, so sparse ranges cannot stretch a run.
 */
async function inChunks(maxRows: number, chunkRows: number, deleteUpTo: (n: number) => Promise<number>): Promise<number> {
  let deleted = 0;
  for (let statements = 0; deleted < maxRows && statements < 2 * Math.ceil(maxRows / chunkRows); statements++) {
    const changes = await deleteUpTo(Math.min(chunkRows, maxRows - deleted));
    if (changes === 0) break;
    deleted += changes;
  }
  return deleted;
}
