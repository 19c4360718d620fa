// Building the signed revocation feed (docs/revocation-feed.md, "Worker behaviour").
// - since = 0, a since beyond the head, or a since older than the first entry that can still
//   revoke a live token: a snapshot of every live entry (one per sub, its latest revokedBefore).
// - otherwise: a delta of the entries after `since`, at most TUNABLES.feedMaxDeltaEntries; its
//   toSeq is the last entry included, so a verifier far behind catches up page by page.
//   (A snapshot cannot be paged: it replaces what the verifier holds.)
// The plan (planFeed) names only canonical inputs, so the edge cache keys on it rather than on
// the raw `since`: every snapshot request for one head shares one cache entry.
//
// "Live" includes the verifiers' clock tolerance: they accept a token DEFAULT_SKEW_SECONDS past
// its exp, so an entry must stay that much longer than a token lifetime (docs/revocation-feed.md).

import { DEFAULT_SKEW_SECONDS, type RevocationFeed, signRevocationFeed } from '../../src/index.ts';
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

/** What to build: only canonical inputs, so it can name the edge-cache entry. */
export type FeedPlan = { kind: 'delta'; since: number } | { kind: 'snapshot' };

/** The oldest revokedBefore that can still revoke a token some verifier accepts. */
export function liveHorizon(now: number, maxTokenLifetime: number): number {
  return now - maxTokenLifetime - DEFAULT_SKEW_SECONDS;
}

/** `db` is opened only if the plan needs a read (a `since` below the head). */
export async function planFeed(db: () => Db, r: Pick<FeedRequest, 'since' | 'head' | 'now' | 'maxTokenLifetime'>): Promise<FeedPlan> {
  // Already at the head: an empty delta, without reading anything.
  if (r.since > 0 && r.since === r.head) return { kind: 'delta', since: r.since };
  if (r.since > 0 && r.since < r.head) {
    const firstLive = await readFirstLiveSeq(db(), liveHorizon(r.now, r.maxTokenLifetime));
    // Entries between `since` and the first live one can only revoke expired tokens: if there
    // are any, the verifier has been away longer than a token lifetime and a snapshot is smaller
    // (and a delta of long-dead entries might not even fit the records' 24-bit time offsets).
    const tooOld = firstLive === undefined ? true : r.since < firstLive - 1;
    if (!tooOld) return { kind: 'delta', since: r.since };
  }
  return { kind: 'snapshot' };
}

export async function buildFeed(db: Db, plan: FeedPlan, r: FeedRequest): Promise<RevocationFeed> {
  const base = { issuer: r.issuer, issuedAt: r.now, maxTokenLifetime: r.maxTokenLifetime };
  if (plan.kind === 'snapshot')
    return {
      ...base,
      kind: 'snapshot',
      fromSeq: 0,
      toSeq: r.head,
      entries: await readSnapshot(db, liveHorizon(r.now, r.maxTokenLifetime), r.head),
    };
  if (plan.since === r.head) return { ...base, kind: 'delta', fromSeq: plan.since, toSeq: r.head, entries: [] };
  const rows = await readDelta(db, plan.since, r.head, r.maxDeltaEntries);
  const toSeq = rows.length === r.maxDeltaEntries ? rows[rows.length - 1]!.seq : r.head;
  return { ...base, kind: 'delta', fromSeq: plan.since, toSeq, entries: rows.map((row) => row.entry) };
}

export async function chooseFeed(db: Db, r: FeedRequest): Promise<RevocationFeed> {
  return buildFeed(db, await planFeed(() => db, r), r);
}

export async function signFeed(feed: RevocationFeed, active: ActiveSigner): Promise<Uint8Array> {
  return signRevocationFeed(feed, active.signer);
}
