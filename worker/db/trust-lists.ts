// The trust_lists table (docs/architecture.md): root-signed lists, newest version first. Rows are
// only ever added; the Worker believes a row only after verifying it against the pinned root.

import { desc } from 'drizzle-orm';
import type { Db } from './client.ts';
import { trustLists } from './schema.ts';

export interface StoredTrustList {
  version: number;
  cose: Uint8Array;
}

/** The newest few rows: if the newest fails verification, an older good one still serves. */
export async function readRecentTrustLists(db: Db, limit: number): Promise<StoredTrustList[]> {
  return db
    .select({ version: trustLists.version, cose: trustLists.cose })
    .from(trustLists)
    .orderBy(desc(trustLists.version))
    .limit(limit)
    .all();
}

export function insertTrustList(db: Db, row: { version: number; cose: Uint8Array; issuedAt: number; installedAt: number }) {
  return db.insert(trustLists).values(row);
}
