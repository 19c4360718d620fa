// Reads and writes of pending_statuses: key-people list rows for ID numbers nobody has enrolled
// with yet, keyed by the same keyed hash as holders.id_hash (worker/holders/identity.ts). Rows
// whose isolation is over are invisible to reads and pruned by the cron.

import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import { chunk, type Db } from './client.ts';
import { type PendingStatusRow, pendingStatuses } from './schema.ts';

export async function findPending(db: Db, idHash: string, now: number): Promise<PendingStatusRow | undefined> {
  return db
    .select()
    .from(pendingStatuses)
    .where(and(eq(pendingStatuses.idHash, idHash), gt(pendingStatuses.expiresAt, now)))
    .get();
}

export async function findPendingMany(
  db: Db,
  idHashes: readonly string[],
  now: number,
  perQuery: number,
): Promise<Map<string, PendingStatusRow>> {
  const found = new Map<string, PendingStatusRow>();
  for (const part of chunk(idHashes, perQuery - 1)) {
    const rows = await db
      .select()
      .from(pendingStatuses)
      .where(and(inArray(pendingStatuses.idHash, part), gt(pendingStatuses.expiresAt, now)))
      .all();
    for (const row of rows) found.set(row.idHash, row);
  }
  return found;
}

/** Insert or supersede the row for this hash. */
export function upsertPending(db: Db, row: PendingStatusRow) {
  const { idHash: _, ...rest } = row;
  return db.insert(pendingStatuses).values(row).onConflictDoUpdate({ target: pendingStatuses.idHash, set: rest });
}

export function deletePending(db: Db, idHash: string) {
  return db.delete(pendingStatuses).where(eq(pendingStatuses.idHash, idHash));
}

/** The cron's pruning: rows whose isolation has ended can change nothing any more. */
export async function prunePending(db: Db, now: number): Promise<number> {
  const result = await db.delete(pendingStatuses).where(lte(pendingStatuses.expiresAt, now)).run();
  return result.meta.changes;
}
