// The revocation state on this device, kept current by delta sync (docs/revocation-feed.md "Sync
// protocol"): ask `since=<toSeq>` with the last ETag; a gap or an issuer change falls back to a
// snapshot; only a feed signed by a key of the verified trust list is ever applied.
import { applyRevocationFeed, type RevocationState, type TrustList, verifyRevocationFeed } from '../../../src/index.ts';
import type { KeyValueStore } from '../storage/kv.ts';
import { type Fetcher, fetchBytes } from './http.ts';

export const REVOCATIONS_KEY = 'revocations';

export interface StoredRevocations {
  state: RevocationState;
  /** The last ETag, sent back as If-None-Match: an unchanged feed then costs a 304. */
  etag?: string;
  checkedAt: number;
}

export type RevocationSync =
  | { ok: true; stored: StoredRevocations; changed: boolean; serverDate?: number }
  | { ok: false; error: string; serverDate?: number };

interface Deps {
  fetcher: Fetcher;
  store: KeyValueStore;
  now: number;
  baseUrl: string;
}

export async function loadRevocations(store: KeyValueStore): Promise<StoredRevocations | undefined> {
  const stored = await store.get<StoredRevocations>(REVOCATIONS_KEY);
  return stored?.state?.revoked instanceof Map ? stored : undefined;
}

export async function syncRevocations(deps: Deps, list: TrustList, current: StoredRevocations | undefined): Promise<RevocationSync> {
  // Held state from another issuer cannot be extended: start again from a snapshot.
  const base = current && current.state.issuer === list.issuer ? current : undefined;
  const first = await fetchAndApply(deps, list, base);
  if (first.ok || first.error !== 'gap' || !base) return first;
  return fetchAndApply(deps, list, undefined); // a delta after our sequence leaves a gap: snapshot
}

async function fetchAndApply(deps: Deps, list: TrustList, current: StoredRevocations | undefined): Promise<RevocationSync> {
  const since = current?.state.seq ?? 0;
  const fetched = await fetchBytes(deps.fetcher, `${deps.baseUrl}/v1/revocations?since=${since}`, current?.etag);
  const serverDate = fetched.serverDate;
  if (fetched.status === 304) {
    if (!current) return { ok: false, error: 'server answered 304 to an unconditional request', serverDate };
    const stored = { ...current, checkedAt: deps.now };
    await deps.store.set(REVOCATIONS_KEY, stored);
    return { ok: true, stored, changed: false, serverDate };
  }
  const verified = await verifyRevocationFeed(fetched.bytes!, { keys: list.keys, now: deps.now });
  if (!verified.ok) return { ok: false, error: `revocation feed refused: ${verified.reason}`, serverDate };
  if (verified.feed.issuer !== list.issuer) return { ok: false, error: 'revocation feed is for another issuer', serverDate };
  const applied = applyRevocationFeed(current?.state, verified.feed, deps.now);
  if (!applied.ok) return { ok: false, error: applied.reason, serverDate };
  const stored: StoredRevocations = { state: applied.state, etag: fetched.etag, checkedAt: deps.now };
  await deps.store.set(REVOCATIONS_KEY, stored);
  return { ok: true, stored, changed: applied.changed, serverDate };
}
