// Building the signed revocation feed (docs/revocation-feed.md, "Worker behaviour").
// - since = 0, a since beyond the head, or a since older than the first entry that can still
//   revoke a live token: a snapshot of every live window's revoked indices, built in pages
//   (./snapshot.ts).
// - otherwise: a delta of the window indices written after `since`, at most
//   TUNABLES.feedMaxDeltaEntries of them, grouped into pieces; its toSeq is the last sequence
//   number wholly included, so a verifier far behind catches up page by page. (A snapshot cannot
//   be paged that way: it replaces what the verifier holds.)
// The plan (planFeed) names only canonical inputs, so the edge cache keys on it rather than on
// the raw `since`: every snapshot request for one head shares one cache entry.
//
// "Live" includes the verifiers' clock tolerance: they accept a token DEFAULT_SKEW_SECONDS past
// its exp, so an entry must stay that much longer than a token lifetime (docs/revocation-feed.md).

import {
  DEFAULT_SKEW_SECONDS,
  MAX_REVOCATION_EPOCH,
  oldestLiveWindow,
  type StatusPiece,
  signRevocationFeed,
  type UnsignedRevocationFeed,
  windowOf,
} from '../../src/index.ts';
import type { Db } from '../db/client.ts';
import { type DeltaRow, readDeltaRows, readFirstLiveSeq } from '../db/revocations.ts';
import { readWindowDomain } from '../db/window-domains.ts';
import type { ActiveSigner } from '../trust/signer.ts';
import { TUNABLES } from '../tunables.ts';
import { buildSnapshotPieces } from './snapshot.ts';

export interface FeedRequest {
  since: number;
  /** The head sequence read for this request; entries after it are left for the next poll. */
  head: number;
  issuer: string;
  maxTokenLifetime: number;
  now: number;
  /** TUNABLES.feedMaxDeltaEntries in production: window indices per delta. */
  maxDeltaEntries: number;
  /** TUNABLES.feedSnapshotPageRows in production: indices per snapshot query. */
  snapshotPageRows: number;
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
    // are any, the verifier has been away longer than a token lifetime and a snapshot is smaller.
    const tooOld = firstLive === undefined ? true : r.since < firstLive - 1;
    if (!tooOld) return { kind: 'delta', since: r.since };
  }
  return { kind: 'snapshot' };
}

export async function buildFeed(feedDb: Db, plan: FeedPlan, r: FeedRequest): Promise<UnsignedRevocationFeed> {
  const base = { issuer: r.issuer, issuedAt: r.now, maxTokenLifetime: r.maxTokenLifetime };
  const fromWindow = oldestLiveWindow(r.now, r.maxTokenLifetime, DEFAULT_SKEW_SECONDS);
  if (plan.kind === 'snapshot') {
    // A cut is at most the revocation margin after the write that made it.
    const toWindow = windowOf(r.now + TUNABLES.revocationMarginSeconds);
    const pieces = await buildSnapshotPieces(feedDb, { fromWindow, toWindow, upTo: r.head, pageRows: r.snapshotPageRows });
    return { ...base, kind: 'snapshot', fromSeq: 0, toSeq: r.head, pieces };
  }
  if (plan.since === r.head) return { ...base, kind: 'delta', fromSeq: plan.since, toSeq: r.head, pieces: [] };
  let rows = await readDeltaRows(feedDb, plan.since, r.head, r.maxDeltaEntries);
  let toSeq = r.head;
  if (rows.length === r.maxDeltaEntries) {
    // The limit may have cut the last sequence number's rows short: leave it to the next page.
    const lastSeq = rows[rows.length - 1]!.seq;
    const whole = rows.filter((row) => row.seq < lastSeq);
    toSeq = whole.length > 0 ? lastSeq - 1 : lastSeq;
    if (whole.length > 0) rows = whole;
  }
  return { ...base, kind: 'delta', fromSeq: plan.since, toSeq, pieces: await deltaPieces(feedDb, rows, fromWindow) };
}

/** Rows grouped into one piece per (window, epoch), in order; windows no verifier keeps are left out. */
async function deltaPieces(feedDb: Db, rows: readonly DeltaRow[], fromWindow: number): Promise<StatusPiece[]> {
  const groups = new Map<number, { window: number; epoch: number; indices: number[] }>();
  for (const row of rows) {
    if (row.window < fromWindow) continue;
    const key = row.window * (MAX_REVOCATION_EPOCH + 1) + row.epoch;
    let group = groups.get(key);
    if (!group) {
      group = { window: row.window, epoch: row.epoch, indices: [] };
      groups.set(key, group);
    }
    group.indices.push(row.idx);
  }
  const domains = new Map<number, number>();
  const pieces: StatusPiece[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const { window, epoch, indices } = groups.get(key)!;
    let domain = domains.get(window);
    if (domain === undefined) {
      domain = (await readWindowDomain(feedDb, window))?.domain;
      if (domain === undefined) throw new Error(`window ${window} has indices but no domain`);
      domains.set(window, domain);
    }
    pieces.push({ window, epoch, domain, indices: Uint32Array.from(indices).sort() });
  }
  return pieces;
}

export async function chooseFeed(feedDb: Db, r: FeedRequest): Promise<UnsignedRevocationFeed> {
  return buildFeed(feedDb, await planFeed(() => feedDb, r), r);
}

export async function signFeed(feed: UnsignedRevocationFeed, active: ActiveSigner): Promise<Uint8Array> {
  return signRevocationFeed(feed, active.signer);
}
