// Reads of the holders table, each on a unique index (secret_hash, replaced_secret_hash, id_hash, id, slot) or the cron's
// partial index on `until`.

import { and, asc, eq, gt, inArray, isNotNull, lte, or } from 'drizzle-orm';
import { chunk, type Db, hashKey } from './client.ts';
import { type HolderRow, holders } from './schema.ts';

export async function findHolderBySecretHash(db: Db, secretHash: Uint8Array): Promise<HolderRow | undefined> {
  return db.select().from(holders).where(eq(holders.secretHash, secretHash)).get();
}

export async function findHolderByReplacedSecretHash(db: Db, secretHash: Uint8Array): Promise<HolderRow | undefined> {
  return db.select().from(holders).where(eq(holders.replacedSecretHash, secretHash)).get();
}

export async function findHolderByIdHash(db: Db, idHash: Uint8Array): Promise<HolderRow | undefined> {
  return db.select().from(holders).where(eq(holders.idHash, idHash)).get();
}

/** By slot (holders_slot_unique); the slot names its bucket (slot mod HOLDER_BUCKETS), so one holder database. */
export async function findHolderBySlot(holderDb: Db, slot: number): Promise<HolderRow | undefined> {
  return holderDb.select().from(holders).where(eq(holders.slot, slot)).get();
}

export async function findHolderById(db: Db, id: string): Promise<HolderRow | undefined> {
  return db.select().from(holders).where(eq(holders.id, id)).get();
}

/** Keyed by the hash in hex (hashKey), since byte arrays do not compare by value in a Map. */
export async function findHoldersByIdHashes(db: Db, idHashes: readonly Uint8Array[], perQuery: number): Promise<Map<string, HolderRow>> {
  const found = new Map<string, HolderRow>();
  for (const part of chunk(idHashes, perQuery)) {
    for (const row of await db.select().from(holders).where(inArray(holders.idHash, part)).all()) found.set(hashKey(row.idHash), row);
  }
  return found;
}

/**
 * Red/yellow holders whose earliest possible release (`until`) has passed, in (until, id) order
 * from a keyset cursor, through the partial index holders_due_idx.
 */
export async function findDueHolders(
  db: Db,
  now: number,
  after: { until: number; id: string } | undefined,
  limit: number,
): Promise<HolderRow[]> {
  const due = and(isNotNull(holders.until), lte(holders.until, now));
  const cursor = after ? or(gt(holders.until, after.until), and(eq(holders.until, after.until), gt(holders.id, after.id))) : undefined;
  return db
    .select()
    .from(holders)
    .where(cursor ? and(due, cursor) : due)
    .orderBy(asc(holders.until), asc(holders.id))
    .limit(limit)
    .all();
}
