// One feed over many holder databases (docs/scale.md "One feed over many databases"). A status
// change writes its revocation into its own database's outbox, in the batch that changes the
// status, so the two commit together. This copies outbox rows into the home database's
// `revocations`, whose AUTOINCREMENT gives every verifier one gap-free sequence.
//
// Copying is idempotent: each copied row carries (origin, origin_seq), unique in the feed, and is
// inserted OR IGNORE, so two isolates copying at once, or a copy retried after a failure, add each
// entry once. What has been copied is read from the feed itself (max origin_seq per origin), so no
// second write on the holder database is needed. A delay cannot let a token escape: an entry's
// revokedBefore is fixed when the status changes, so it revokes the same tokens whenever it lands.

import type { Db } from '../db/client.ts';
import { rawStatement, runBatch } from '../db/client.ts';
import type { Shard } from '../shards/shards.ts';

/** Outbox rows read and copied per step; one D1 batch of inserts each (one statement per row). */
export const FORWARD_PAGE = 500;

export interface ForwardReport {
  /** Entries added to the feed (copies of rows already there are not counted). */
  forwarded: number;
  /** True when the outbox had more than `maxRows` waiting: the next call continues. */
  more: boolean;
}

/** The outbox seq up to which `origin` has been copied into the feed. */
export async function forwardedUpTo(home: Db, origin: string): Promise<number> {
  const row = await home.$client
    .prepare('select coalesce(max(origin_seq), 0) as seq from revocations where origin = ?')
    .bind(origin)
    .first<{ seq: number }>();
  return row?.seq ?? 0;
}

export async function forwardRevocations(home: Db, shard: Shard, maxRows = 2 * FORWARD_PAGE): Promise<ForwardReport> {
  let after = await forwardedUpTo(home, shard.name);
  let forwarded = 0;
  for (let copied = 0; copied < maxRows; ) {
    const { results } = await shard.db.$client
      .prepare('select seq, sub, revoked_before, created_at from revocation_outbox where seq > ? order by seq limit ?')
      .bind(after, Math.min(FORWARD_PAGE, maxRows - copied))
      .all<{ seq: number; sub: string; revoked_before: number; created_at: number }>();
    if (results.length === 0) return { forwarded, more: false };
    const outcome = await runBatch(
      home,
      results.map((r) =>
        rawStatement(
          home,
          'insert or ignore into revocations (sub, revoked_before, created_at, origin, origin_seq) values (?, ?, ?, ?, ?)',
          r.sub,
          r.revoked_before,
          r.created_at,
          shard.name,
          r.seq,
        ),
      ),
    );
    forwarded += outcome.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
    copied += results.length;
    after = results[results.length - 1]!.seq;
    if (results.length < FORWARD_PAGE) return { forwarded, more: false };
  }
  return { forwarded, more: true };
}

/**
 * Deletes outbox rows already in the feed and older than `before` (created_at), at most `limit`.
 * Rows not yet copied are never deleted, whatever their age.
 */
export async function pruneOutbox(home: Db, shard: Shard, before: number, limit: number): Promise<number> {
  const upTo = await forwardedUpTo(home, shard.name);
  const result = await shard.db.$client
    .prepare(
      'delete from revocation_outbox where seq in (select seq from revocation_outbox where seq <= ? and created_at < ? order by seq limit ?)',
    )
    .bind(upTo, before, limit)
    .run();
  return result.meta.changes ?? 0;
}
