// The revocation state on this device, kept current by delta sync (docs/revocation-feed.md "Sync
// protocol"): ask `since=<toSeq>` with the last ETag; a gap or an issuer change falls back to a
// snapshot; only a feed signed by a key of the verified trust list is ever applied. The sets per
// (window, epoch) are stored by storage/revocation-store.ts.
//
// Freshness is the feed's signed issuedAt, never the time a response arrived: an old but
// authentic feed, or an unsigned 304, proves nothing about now. A 304 only confirms the version
// we hold, so If-None-Match is sent only while that version's signed time is recent
// (REVALIDATE_WITHIN_SECONDS); past it the verifier asks for a freshly signed feed.
import { applyRevocationFeed, type TrustList, verifyRevocationFeed } from '../../../src/index.ts';
import type { KeyValueStore } from '../storage/kv.ts';
import { type StoredRevocations, saveRevocations } from '../storage/revocation-store.ts';
import { type Fetcher, fetchBytes } from './http.ts';

export { loadRevocations, REVOCATIONS_KEY, type StoredRevocations } from '../storage/revocation-store.ts';

/** How long a held feed's signed time may be old before a 304 stops being enough. */
export const REVALIDATE_WITHIN_SECONDS = 15 * 60;

export type RevocationSync =
  | { ok: true; stored: StoredRevocations; changed: boolean; serverDate?: number }
  | { ok: false; error: string; serverDate?: number };

interface Deps {
  fetcher: Fetcher;
  store: KeyValueStore;
  now: number;
  baseUrl: string;
}

export async function syncRevocations(deps: Deps, list: TrustList, current: StoredRevocations | undefined): Promise<RevocationSync> {
  // Held state from another issuer cannot be extended: start again from a snapshot.
  const base = current && current.state.issuer === list.issuer ? current : undefined;
  const first = await fetchAndApply(deps, list, base, base?.state.seq ?? 0);
  if (first.ok || first.error !== 'gap' || !base) return first;
  // A delta after our sequence leaves a gap: a snapshot, merged into what is held (revocation is
  // one-way, so nothing held is dropped for it).
  return fetchAndApply(deps, list, base, 0);
}

async function fetchAndApply(deps: Deps, list: TrustList, current: StoredRevocations | undefined, since: number): Promise<RevocationSync> {
  const recent = current !== undefined && since === current.state.seq && deps.now - current.signedAt < REVALIDATE_WITHIN_SECONDS;
  const fetched = await fetchBytes(deps.fetcher, `${deps.baseUrl}/v1/revocations?since=${since}`, recent ? current.etag : undefined);
  const serverDate = fetched.serverDate;
  if (fetched.status === 304) {
    // Unsigned: it confirms the held version, and the held signedAt stays what it was.
    if (!current || !recent) return { ok: false, error: 'server answered 304 to an unconditional request', serverDate };
    return { ok: true, stored: current, changed: false, serverDate };
  }
  const verified = await verifyRevocationFeed(fetched.bytes!, { keys: list.keys, now: deps.now });
  if (!verified.ok) return { ok: false, error: `revocation feed refused: ${verified.reason}`, serverDate };
  if (verified.feed.issuer !== list.issuer) return { ok: false, error: 'revocation feed is for another issuer', serverDate };
  const applied = applyRevocationFeed(current?.state, verified.feed, deps.now);
  if (!applied.ok) return { ok: false, error: applied.reason, serverDate };
  const feed = verified.feed;
  // A feed that ends below the held sequence (a lagging replica) confirms nothing about our state;
  // one that reaches it, or a restore snapshot that replaces it, carries its signed time.
  const confirms = applied.restored || !current || feed.toSeq >= current.state.seq;
  const signedAt = confirms ? Math.max(feed.issuedAt, applied.restored ? 0 : (current?.signedAt ?? 0)) : current!.signedAt;
  const restoredAt = applied.restored ? feed.issuedAt : current?.restoredAt;
  const stored: StoredRevocations = {
    state: applied.state,
    etag: confirms ? fetched.etag : current?.etag,
    signedAt,
    ...(restoredAt === undefined ? {} : { restoredAt }),
  };
  await saveRevocations(deps.store, stored, current?.state.sets);
  return { ok: true, stored, changed: applied.changed, serverDate };
}
