// The feed tables (docs/revocation-feed.md, docs/feed-privacy.md "Worker storage"), each read an
// index range: revocations' primary key for the head, revocations_revoked_before_idx for the
// first live entry and pruning; window_revocations' primary key for snapshot pages and its seq
// index for deltas. All of them live in the feed database.

import { and, asc, desc, eq, gt, gte, lt, lte, max, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { revocations, windowRevocations } from './schema.ts';

/** The newest sequence number, 0 when nothing was ever revoked. */
export async function readHeadSeq(db: Db): Promise<number> {
  const row = await db
    .select({ seq: max(revocations.seq) })
    .from(revocations)
    .get();
  return row?.seq ?? 0;
}

export interface DeltaRow {
  seq: number;
  window: number;
  epoch: number;
  idx: number;
}

/** Window indices with since < seq <= upTo, by seq (window_revocations_seq_idx), at most `limit`. */
export async function readDeltaRows(feedDb: Db, since: number, upTo: number, limit: number): Promise<DeltaRow[]> {
  return deltaRowsQuery(feedDb, since, upTo, limit).all();
}

/** The delta's query, exposed so a test can check SQLite's plan for it. */
export function deltaRowsQuery(feedDb: Db, since: number, upTo: number, limit: number) {
  return feedDb
    .select({ seq: windowRevocations.seq, window: windowRevocations.window, epoch: windowRevocations.epoch, idx: windowRevocations.idx })
    .from(windowRevocations)
    .where(and(gt(windowRevocations.seq, since), lte(windowRevocations.seq, upTo)))
    .orderBy(asc(windowRevocations.seq))
    .limit(limit);
}

/** The lowest epoch of `window` at or above `from` that has rows: one seek on the primary key. */
export async function readNextEpoch(feedDb: Db, window: number, from: number): Promise<number | undefined> {
  const row = await feedDb
    .select({ epoch: windowRevocations.epoch })
    .from(windowRevocations)
    .where(and(eq(windowRevocations.window, window), gte(windowRevocations.epoch, from)))
    .orderBy(asc(windowRevocations.epoch))
    .limit(1)
    .get();
  return row?.epoch;
}

/**
 * One page of a snapshot piece: the indices of (window, epoch) above `afterIdx` written up to
 * `upTo`, ascending, at most `limit`. A range of the primary key, so a page costs `limit` rows
 * however large the table (docs/feed-privacy.md "Building a snapshot in bounded pieces").
 */
export async function readPiecePage(
  feedDb: Db,
  window: number,
  epoch: number,
  afterIdx: number,
  upTo: number,
  limit: number,
): Promise<number[]> {
  const rows = await piecePageQuery(feedDb, window, epoch, afterIdx, upTo, limit).all();
  return rows.map((r) => r.idx);
}

/** A snapshot page's query, exposed so a test can check SQLite's plan for it. */
export function piecePageQuery(feedDb: Db, window: number, epoch: number, afterIdx: number, upTo: number, limit: number) {
  return feedDb
    .select({ idx: windowRevocations.idx })
    .from(windowRevocations)
    .where(
      and(
        eq(windowRevocations.window, window),
        eq(windowRevocations.epoch, epoch),
        gt(windowRevocations.idx, afterIdx),
        lte(windowRevocations.seq, upTo),
      ),
    )
    .orderBy(asc(windowRevocations.idx))
    .limit(limit);
}

/** Deletes up to `limit` index rows of windows before `oldestLiveWindow`: a primary-key range. */
export async function pruneWindowRevocations(feedDb: Db, oldestLiveWindow: number, limit: number): Promise<number> {
  const result = await feedDb.$client
    .prepare(
      'delete from window_revocations where ("window", epoch, idx) in (select "window", epoch, idx from window_revocations where "window" < ? order by "window", epoch, idx limit ?)',
    )
    .bind(oldestLiveWindow, limit)
    .run();
  return result.meta.changes ?? 0;
}

/** The first sequence number whose entry is still live; undefined when none is. */
export async function readFirstLiveSeq(db: Db, horizon: number): Promise<number | undefined> {
  const row = await db
    .select({ seq: revocations.seq })
    .from(revocations)
    .where(gt(revocations.revokedBefore, horizon))
    .orderBy(asc(revocations.revokedBefore), asc(revocations.seq))
    .limit(1)
    .get();
  return row?.seq;
}

/**
 * Deletes up to `limit` entries older than `cutoff`, always keeping the newest row so the head
 * sequence (max(seq)) never goes backwards. Returns how many were deleted.
 */
export async function pruneRevocations(db: Db, cutoff: number, limit: number): Promise<number> {
  const newest = db.select({ seq: revocations.seq }).from(revocations).orderBy(desc(revocations.seq)).limit(1);
  const victims = db
    .select({ seq: revocations.seq })
    .from(revocations)
    .where(and(lt(revocations.revokedBefore, cutoff), lt(revocations.seq, sql`(${newest})`)))
    .orderBy(asc(revocations.revokedBefore))
    .limit(limit);
  const result = await db.run(sql`delete from ${revocations} where seq in (${victims})`);
  return result.meta.changes ?? 0;
}

/**
 * How far the sequence jumps after an issuer restore (docs/operations.md "Issuer database
 * restored"): further than any number the issuer can have handed out before the restore, so
 * no verifier holds a sequence number the restored database will hand out again.
 */
export const RESTORE_SEQUENCE_JUMP = 1_000_000_000;

/**
 * The marker row behind a sequence jump: an entry with an explicit seq (AUTOINCREMENT continues
 * above it) and no window indices, so it revokes nothing; pruned like any other entry.
 */
export function insertSequenceJump(feedDb: Db, seq: number, now: number) {
  return feedDb.insert(revocations).values({ seq, revokedBefore: now, createdAt: now });
}
