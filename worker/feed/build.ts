// Building the signed revocation feed (docs/revocation-feed.md, "Worker behaviour").
// - since = 0, a since beyond the head, or a since older than the first entry that can still
//   revoke a live token: a snapshot of every live entry (one per sub, its latest revokedBefore).
// - otherwise: a delta of the entries after `since`, at most TUNABLES.feedMaxDeltaEntries; its
//   toSeq is the last entry included, so a verifier far behind catches up page by page.
//   (A snapshot cannot be paged: it replaces what the verifier holds.)

import { type RevocationFeed, signRevocationFeed } from '../../src/index.ts';
import type { Db } from '../db/client.ts';
import { readDelta, readFirstLiveSeq, readSnapshot } from '../db/revocations.ts';
import type { ActiveSigner } from '../trust/signer.ts';

export interface FeedRequest {
  since: number;
  /** The head sequence read for this request; entries after it are left for the next poll. */
  head: number;
  issuer: string;
  maxTokenLifetime: number;
  now: number;
  /** TUNABLES.feedMaxDeltaEntries in production. */
  maxDeltaEntries: number;
}

export async function chooseFeed(db: Db, r: FeedRequest): Promise<RevocationFeed> {
  const horizon = r.now - r.maxTokenLifetime;
  const base = { issuer: r.issuer, issuedAt: r.now, maxTokenLifetime: r.maxTokenLifetime };
  // Already at the head: an empty delta, without reading anything.
  if (r.since > 0 && r.since === r.head) return { ...base, kind: 'delta', fromSeq: r.since, toSeq: r.head, entries: [] };
  if (r.since > 0 && r.since < r.head) {
    const firstLive = await readFirstLiveSeq(db, horizon);
    // Entries between `since` and the first live one can only revoke expired tokens: if there
    // are any, the verifier has been away longer than a token lifetime and a snapshot is smaller
    // (and a delta of long-dead entries might not even fit the records' 24-bit time offsets).
    const tooOld = firstLive === undefined ? true : r.since < firstLive - 1;
    if (!tooOld) {
      const rows = await readDelta(db, r.since, r.head, r.maxDeltaEntries);
      const toSeq = rows.length === r.maxDeltaEntries ? rows[rows.length - 1]!.seq : r.head;
      return { ...base, kind: 'delta', fromSeq: r.since, toSeq, entries: rows.map((row) => row.entry) };
    }
  }
  return { ...base, kind: 'snapshot', fromSeq: 0, toSeq: r.head, entries: await readSnapshot(db, horizon, r.head) };
}

export async function signFeed(feed: RevocationFeed, active: ActiveSigner): Promise<Uint8Array> {
  return signRevocationFeed(feed, active.signer);
}
