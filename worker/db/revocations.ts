// Reads behind the revocation feed (docs/revocation-feed.md), each an index range scan: the
// primary key for the head and deltas, revocations_revoked_before_idx for snapshots and pruning.

import { and, asc, desc, gt, lt, lte, max, sql } from 'drizzle-orm';
import type { RevocationEntry } from '../../src/index.ts';
import type { Db } from './client.ts';
import { revocations } from './schema.ts';

/** The newest sequence number, 0 when nothing was ever revoked. */
export async function readHeadSeq(db: Db): Promise<number> {
  const row = await db
    .select({ seq: max(revocations.seq) })
    .from(revocations)
    .get();
  return row?.seq ?? 0;
}

/** Entries with since < seq <= upTo, oldest first, at most `limit`. */
export async function readDelta(db: Db, since: number, upTo: number, limit: number): Promise<{ seq: number; entry: RevocationEntry }[]> {
  const rows = await db
    .select({ seq: revocations.seq, sub: revocations.sub, revokedBefore: revocations.revokedBefore })
    .from(revocations)
    .where(and(gt(revocations.seq, since), lte(revocations.seq, upTo)))
    .orderBy(asc(revocations.seq))
    .limit(limit)
    .all();
  return rows.map((r) => ({ seq: r.seq, entry: { sub: r.sub, revokedBefore: r.revokedBefore } }));
}

/**
 * Every sub with an entry that can still revoke a live token (revokedBefore > horizon), at its
 * latest revokedBefore, among entries up to `upTo`.
 */
export async function readSnapshot(db: Db, horizon: number, upTo: number): Promise<RevocationEntry[]> {
  const latest = max(revocations.revokedBefore);
  const rows = await db
    .select({ sub: revocations.sub, revokedBefore: latest })
    .from(revocations)
    .where(and(gt(revocations.revokedBefore, horizon), lte(revocations.seq, upTo)))
    .groupBy(revocations.sub)
    .orderBy(asc(revocations.sub))
    .all();
  return rows.map((r) => ({ sub: r.sub, revokedBefore: r.revokedBefore! }));
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
 * above it) for a fresh random sub. It revokes nothing (a 40-bit random sub names an enrolled
 * holder with odds of about one in 16 000 at 70 million holders, and even then only makes that
 * holder's wallet fetch a new token), and verifiers drop it after a token lifetime.
 */
export function insertSequenceJump(db: Db, seq: number, sub: string, now: number) {
  return db.insert(revocations).values({ seq, sub, revokedBefore: now, createdAt: now });
}
