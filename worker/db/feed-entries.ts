// Feed entries on their way from a status change to the feed (docs/feed-privacy.md "Worker
// storage"): the outbox row a status batch writes in the holder's database, and the statements
// that copy outbox rows into the home database's feed tables (worker/feed/forward.ts).

import { type Db, rawStatement } from './client.ts';

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
