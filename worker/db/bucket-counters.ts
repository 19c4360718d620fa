// Dense holder numbers (docs/feed-privacy.md "Dense number and slot"): each virtual bucket counts
// its own holders in the bucket's database, so slots stay dense without a counter shared across
// databases. The number is taken in the enrolment batch itself, so a failed enrolment (the batch
// rolls back) takes none.

import { eq, max, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { bucketCounters } from './schema.ts';

/** Takes the bucket's next number: the upsert that starts the enrolment batch. */
export function takeNumberQuery(holderDb: Db, bucket: number) {
  return holderDb
    .insert(bucketCounters)
    .values({ bucket, nextNumber: 1 })
    .onConflictDoUpdate({ target: bucketCounters.bucket, set: { nextNumber: sql`${bucketCounters.nextNumber} + 1` } });
}

/**
 * The slot of the number takeNumberQuery just took, as an SQL expression for the holder insert in
 * the same batch: `(next_number - 1) · buckets + bucket` (src/window-pseudonym.ts holderSlot).
 */
export function takenSlotSql(holderDb: Db, bucket: number, buckets: number) {
  return sql`(${holderDb
    .select({ slot: sql`(${bucketCounters.nextNumber} - 1) * ${buckets} + ${bucket}` })
    .from(bucketCounters)
    .where(eq(bucketCounters.bucket, bucket))})`;
}

/**
 * The highest dense number in use over all holder databases, -1 when no holder exists yet. One
 * indexed read per database (a bucket table of at most HOLDER_BUCKETS rows), in parallel.
 */
export async function highestDenseNumber(holderDbs: readonly Db[]): Promise<number> {
  const rows = await Promise.all(
    holderDbs.map((db) =>
      db
        .select({ next: max(bucketCounters.nextNumber) })
        .from(bucketCounters)
        .get(),
    ),
  );
  return Math.max(-1, ...rows.map((row) => (row?.next ?? 0) - 1));
}
