// Each issuance window's permutation domain (docs/feed-privacy.md "Domain"), in the feed
// database. Fixed once: the first writer's INSERT OR IGNORE wins and everyone reads that row back,
// so all isolates and all shards index the window over the same domain.

import { asc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from './client.ts';
import { windowDomains } from './schema.ts';

export async function readWindowDomain(feedDb: Db, window: number): Promise<number | undefined> {
  const row = await feedDb.select({ domain: windowDomains.domain }).from(windowDomains).where(eq(windowDomains.window, window)).get();
  return row?.domain;
}

/** Offers a domain for `window` and returns the one that holds (an earlier offer wins). */
export async function fixWindowDomain(feedDb: Db, window: number, offered: number): Promise<number> {
  const [, rows] = await feedDb.batch([
    feedDb.insert(windowDomains).values({ window, domain: offered }).onConflictDoNothing(),
    feedDb.select({ domain: windowDomains.domain }).from(windowDomains).where(eq(windowDomains.window, window)),
  ]);
  return rows[0]!.domain;
}

/** Deletes up to `limit` domains of windows before `oldestLiveWindow` (primary-key range). */
export async function pruneWindowDomains(feedDb: Db, oldestLiveWindow: number, limit: number): Promise<number> {
  const victims = feedDb
    .select({ window: windowDomains.window })
    .from(windowDomains)
    .where(lt(windowDomains.window, oldestLiveWindow))
    .orderBy(asc(windowDomains.window))
    .limit(limit);
  const result = await feedDb.delete(windowDomains).where(inArray(windowDomains.window, victims));
  return result.meta.changes ?? 0;
}
