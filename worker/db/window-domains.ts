// Each issuance window's permutation domain and feed key (docs/feed-privacy.md "Domain"), in the
// feed database. Fixed once: the first writer's INSERT OR IGNORE wins and everyone reads that row
// back, so all isolates and all shards index the window over the same domain with the same key.

import { asc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from './client.ts';
import { windowDomains } from './schema.ts';

export interface FixedWindow {
  domain: number;
  keyId: string;
}

export async function readWindowDomain(feedDb: Db, window: number): Promise<FixedWindow | undefined> {
  return feedDb
    .select({ domain: windowDomains.domain, keyId: windowDomains.keyId })
    .from(windowDomains)
    .where(eq(windowDomains.window, window))
    .get();
}

/** Offers a domain and key for `window` and returns the ones that hold (an earlier offer wins). */
export async function fixWindowDomain(feedDb: Db, window: number, offered: FixedWindow): Promise<FixedWindow> {
  const [, rows] = await feedDb.batch([
    feedDb
      .insert(windowDomains)
      .values({ window, ...offered })
      .onConflictDoNothing(),
    feedDb.select({ domain: windowDomains.domain, keyId: windowDomains.keyId }).from(windowDomains).where(eq(windowDomains.window, window)),
  ]);
  return rows[0]!;
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
