// The feed tables (docs/revocation-feed.md, docs/feed-privacy.md "Worker storage"), each read an
// index range: revocations' primary key for the head, revocations_revoked_before_idx for the
// first live entry and pruning; window_revocations' primary key for snapshot pages and its seq
// index for deltas. All of them live in the feed database.

import { and, asc, desc, eq, gt, gte, lt, lte, max, sql } from 'drizzle-orm';
import { type Db, rawStatement } from './client.ts';
import { revocations, windowRevocations } from './schema.ts';

/** The newest sequence number, 0 when nothing was ever revoked. */
export async function readHeadSeq(db: Db): Promise<number> {
  const row = await db
    .select({ seq: max(revocations.seq) })
    .from(revocations)
    .get();
  return row?.seq ?? 0;
}

/** One window index a downgrade revokes (src/window-status.ts WindowStatusReference). */
export interface FeedReference {
  window: number;
  epoch: number;
  index: number;
}

/**
 * The feed entry of one status write, as a row of the holder database's outbox: its cut and the
 * window indices it revokes. worker/feed/forward.ts copies it into the home database's feed (a
 * `revocations` row for the sequence number, the indices into `window_revocations`). The ONLY
 * writer of feed entries; it runs only if the statement before it in the batch wrote its one row
 * (the status write's guard held, worker/db/status-writes.ts).
 */
export function outboxEntryStatement(
  holderDb: Db,
  entry: { references: readonly FeedReference[]; revokedBefore: number },
  createdAt: number,
): D1PreparedStatement {
  const refs = JSON.stringify(entry.references.map((r) => [r.window, r.epoch, r.index]));
  return rawStatement(
    holderDb,
    'insert into revocation_outbox (revoked_before, created_at, refs) select ?, ?, ? where changes() = 1',
    entry.revokedBefore,
    createdAt,
    refs,
  );
}

export interface OutboxEntry {
  seq: number;
  revokedBefore: number;
  createdAt: number;
  references: readonly FeedReference[];
}

/**
 * Copies outbox rows of one holder database into the feed, idempotently: the `revocations` rows
 * are unique on (origin, origin_seq), and each index takes its entry's seq whether the entry was
 * added now or before (an index an earlier cut already listed keeps its first seq). Many rows per
 * statement, within D1's 100 bound parameters: `entries` tells which statements add entries, so
 * their changes count the entries added.
 */
export function feedEntryStatements(
  home: Db,
  origin: string,
  rows: readonly OutboxEntry[],
): { statements: D1PreparedStatement[]; entries: number[] } {
  const statements: D1PreparedStatement[] = [];
  const entries: number[] = [];
  for (let i = 0; i < rows.length; i += 25) {
    const part = rows.slice(i, i + 25);
    entries.push(statements.length);
    statements.push(
      rawStatement(
        home,
        `insert or ignore into revocations (revoked_before, created_at, origin, origin_seq) values ${part.map(() => '(?, ?, ?, ?)').join(', ')}`,
        ...part.flatMap((r) => [r.revokedBefore, r.createdAt, origin, r.seq]),
      ),
    );
  }
  const indices = rows.flatMap((r) => r.references.map((ref) => [ref.window, ref.epoch, ref.index, r.seq]));
  for (let i = 0; i < indices.length; i += 24) {
    const part = indices.slice(i, i + 24);
    statements.push(
      rawStatement(
        home,
        `insert or ignore into window_revocations ("window", epoch, idx, seq) select v.column1, v.column2, v.column3, r.seq from (values ${part.map(() => '(?, ?, ?, ?)').join(', ')}) v join revocations r on r.origin = ? and r.origin_seq = v.column4`,
        ...part.flat(),
        origin,
      ),
    );
  }
  return { statements, entries };
}

/** An outbox row's `refs` column back as references; a malformed one is a bug, not input. */
export function parseOutboxRefs(refs: string): FeedReference[] {
  const parsed: unknown = JSON.parse(refs);
  if (!Array.isArray(parsed)) throw new Error('revocation_outbox.refs is malformed');
  return parsed.map((r) => {
    if (!Array.isArray(r) || r.length !== 3 || !r.every((x) => Number.isSafeInteger(x)))
      throw new Error('revocation_outbox.refs is malformed');
    return { window: r[0], epoch: r[1], index: r[2] };
  });
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
