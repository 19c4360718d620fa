// Holder slots (docs/feed-privacy.md "Dense number and slot"): each holder gets the next number of
// its virtual bucket (the first 10 bits of its keyed ID hash) in the enrolment batch, and its slot
// n · 1024 + bucket; migration 0006 numbers the holders that existed before it the same way.
// Buckets are computed here from the hex hash by hand, not by the Worker's code.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { allDatabases, enrol, everyDatabase, harness } from './helpers.ts';

const bucketOfHex = (idHash: string) => Number.parseInt(idHash.slice(0, 3), 16) >> 2;

/** Every holder of every holder database, in enrolment order. */
async function holderRows() {
  const rows = await everyDatabase<{ id: string; id_hash: string; slot: number; created_at: number }>(
    // The keyed ID hash as hex, whether stored as text (before migration 0007) or as a BLOB.
    "select id, case when typeof(id_hash) = 'blob' then hex(id_hash) else id_hash end as id_hash, slot, created_at from holders",
  );
  return rows.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
}

/** Every bucket's holders have numbers 0..k-1 in order of enrolment, and its counter says k. */
async function expectDenseSlots(): Promise<void> {
  const rows = await holderRows();
  const perBucket = new Map<number, number[]>();
  for (const row of rows) {
    const bucket = bucketOfHex(row.id_hash);
    expect(row.slot % 1024, row.id).toBe(bucket);
    perBucket.set(bucket, [...(perBucket.get(bucket) ?? []), Math.floor(row.slot / 1024)]);
  }
  const counters = await everyDatabase<{ bucket: number; next_number: number }>('select bucket, next_number from bucket_counters');
  expect(new Map(counters.map((c) => [c.bucket, c.next_number]))).toEqual(new Map([...perBucket].map(([b, ns]) => [b, ns.length])));
  for (const numbers of perBucket.values()) expect(numbers).toEqual(numbers.map((_, i) => i));
}

describe('holder slots', () => {
  it('numbers each new holder within its bucket at enrolment, densely and uniquely', async () => {
    const h = harness();
    for (let i = 0; i < 12; i++) {
      await enrol(h);
      h.clock.t += 1;
    }
    // A re-enrolment reaches the same holder and takes no number.
    const again = await enrol(h);
    h.clock.t += 1;
    await enrol(h, { idNumber: again.idNumber });
    expect(new Set((await holderRows()).map((r) => r.slot)).size).toBe(13);
    await expectDenseSlots();
  });

  it('migration 0006 numbers the holders already there the same way, in enrolment order', async () => {
    const h = harness();
    for (let i = 0; i < 8; i++) {
      await enrol(h);
      h.clock.t += 1;
    }
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0006'))!;
    const backfill = migration.queries.filter((q) =>
      /^\s*(--[^\n]*\n\s*)*(UPDATE `holders` SET `slot`|INSERT INTO `bucket_counters`)/.test(q),
    );
    expect(backfill).toHaveLength(2);
    // As before the migration: no slots, no counters.
    // Each holder database numbers its own buckets (a bucket lives in one database).
    for (const d1 of allDatabases()) {
      await d1.batch([d1.prepare('update holders set slot = null'), d1.prepare('delete from bucket_counters')]);
      await d1.batch(backfill.map((q) => d1.prepare(q)));
    }
    await expectDenseSlots();
    // Enrolment continues from the counters the migration left.
    await enrol(h);
    await expectDenseSlots();
  });
});
