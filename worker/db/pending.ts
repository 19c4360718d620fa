// Reads and writes of pending_statuses: key-people list rows for ID numbers nobody has enrolled
// with yet, keyed by the same keyed hash as holders.id_hash (worker/holders/identity.ts). Rows
// whose isolation is over are invisible to reads and pruned by the cron (worker/retention/prune.ts).

import { and, eq, gt, inArray } from 'drizzle-orm';
import { chunk, type Db, hashKey, rawStatement } from './client.ts';
import { type PendingStatusRow, pendingStatuses } from './schema.ts';

export async function findPending(db: Db, idHash: Uint8Array, now: number): Promise<PendingStatusRow | undefined> {
  return db
    .select()
    .from(pendingStatuses)
    .where(and(eq(pendingStatuses.idHash, idHash), gt(pendingStatuses.expiresAt, now)))
    .get();
}

export async function findPendingMany(
  db: Db,
  idHashes: readonly Uint8Array[],
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
    for (const row of rows) found.set(hashKey(row.idHash), row);
  }
  return found;
}

/**
 * Insert or supersede the row for this hash, unless a holder with that hash exists by now: a
 * person who enrolled after the import looked them up gets the row as a status change instead
 * (worker/import/apply.ts), so it can never be left pending for someone already enrolled.
 */
export function upsertPending(db: Db, r: PendingStatusRow): D1PreparedStatement {
  return rawStatement(
    db,
    `insert into pending_statuses (id_hash, color, reason, exposed_at, import_id, line, actor, created_at, expires_at)
     select ?, ?, ?, ?, ?, ?, ?, ?, ? where not exists (select 1 from holders where id_hash = ?)
     on conflict (id_hash) do update set color = excluded.color, reason = excluded.reason, exposed_at = excluded.exposed_at,
       import_id = excluded.import_id, line = excluded.line, actor = excluded.actor, created_at = excluded.created_at,
       expires_at = excluded.expires_at`,
    r.idHash,
    r.color,
    r.reason,
    r.exposedAt,
    r.importId,
    r.line,
    r.actor,
    r.createdAt,
    r.expiresAt,
    r.idHash,
  );
}

export function deletePending(db: Db, idHash: Uint8Array) {
  return db.delete(pendingStatuses).where(eq(pendingStatuses.idHash, idHash));
}
