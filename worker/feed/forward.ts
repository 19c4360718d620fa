// One feed over many holder databases (docs/scale.md "One feed over many databases"). A status
// change writes its feed entry (its cut and the window indices it revokes) into its own
// database's outbox, in the batch that changes the status, so the two commit together. This
// copies outbox rows into the home database's `revocations`, whose AUTOINCREMENT gives every
// verifier one gap-free sequence, and their indices into `window_revocations` under that seq.
//
// Copying is idempotent: each copied row carries (origin, origin_seq), unique in the feed, and is
// inserted OR IGNORE, so two isolates copying at once, or a copy retried after a failure, add each
// entry once. What has been copied is read from the feed itself (max origin_seq per origin), so no
// second write on the holder database is needed. A delay cannot let a token escape: an entry's
// revokedBefore is fixed when the status changes, so it revokes the same tokens whenever it lands.

import type { Db } from '../db/client.ts';
import { runBatch } from '../db/client.ts';
import { feedEntryStatements, parseOutboxRefs } from '../db/feed-entries.ts';
import type { Shard } from '../shards/shards.ts';

/** Outbox rows read and copied per step; one D1 batch of inserts each (25 entries or 24 indices per statement). */
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
      .prepare('select seq, revoked_before, created_at, refs from revocation_outbox where seq > ? order by seq limit ?')
      .bind(after, Math.min(FORWARD_PAGE, maxRows - copied))
      .all<{ seq: number; revoked_before: number; created_at: number; refs: string }>();
    if (results.length === 0) return { forwarded, more: false };
    // One batch: the entries' revocations rows, then their window indices under those rows' seqs.
    const { statements, entries } = feedEntryStatements(
      home,
      shard.name,
      results.map((r) => ({ seq: r.seq, revokedBefore: r.revoked_before, createdAt: r.created_at, references: parseOutboxRefs(r.refs) })),
    );
    const outcome = await runBatch(home, statements);
    forwarded += entries.reduce((n, i) => n + (outcome[i]!.meta.changes ?? 0), 0);
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
