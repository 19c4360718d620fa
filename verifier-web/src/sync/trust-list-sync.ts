// The trust list on this device: the last good list, re-verified against the pinned root whenever
// it is loaded, and replaced only by a newer list that verifies (docs/trust-list.md "What a
// verifier does").
import { type TrustList, verifyTrustList } from '../../../src/index.ts';
import type { KeyValueStore } from '../storage/kv.ts';
import { type Fetcher, fetchBytes } from './http.ts';

export const TRUST_LIST_KEY = 'trust-list';

export interface StoredTrustList {
  bytes: Uint8Array;
  etag?: string;
  /** When the server last confirmed this list (device clock, seconds). */
  checkedAt: number;
}

export interface TrustListHolding {
  list: TrustList;
  record: StoredTrustList;
}

export async function loadTrustList(store: KeyValueStore, rootPublicKey: Uint8Array): Promise<TrustListHolding | undefined> {
  const record = await store.get<StoredTrustList>(TRUST_LIST_KEY);
  if (!record?.bytes) return undefined;
  // Storage is not a trust anchor: the bytes must still verify against the pinned root.
  const result = await verifyTrustList(record.bytes, { rootPublicKey });
  return result.ok ? { list: result.list, record } : undefined;
}

export type TrustListSync =
  | { ok: true; holding: TrustListHolding; changed: boolean; serverDate?: number }
  | { ok: false; error: string; serverDate?: number };

export async function syncTrustList(
  deps: { fetcher: Fetcher; store: KeyValueStore; rootPublicKey: Uint8Array; now: number; baseUrl: string },
  current: TrustListHolding | undefined,
): Promise<TrustListSync> {
  const fetched = await fetchBytes(deps.fetcher, `${deps.baseUrl}/v1/trust-list`, current?.record.etag);
  if (fetched.status === 304) {
    if (!current) return { ok: false, error: 'server answered 304 to an unconditional request', serverDate: fetched.serverDate };
    const record = { ...current.record, checkedAt: deps.now };
    await deps.store.set(TRUST_LIST_KEY, record);
    return { ok: true, holding: { list: current.list, record }, changed: false, serverDate: fetched.serverDate };
  }
  const result = await verifyTrustList(fetched.bytes!, { rootPublicKey: deps.rootPublicKey, minimumVersion: current?.list.version });
  // A failing list never replaces a good one.
  if (!result.ok) return { ok: false, error: `trust list refused: ${result.reason}`, serverDate: fetched.serverDate };
  const record: StoredTrustList = { bytes: fetched.bytes!, etag: fetched.etag, checkedAt: deps.now };
  await deps.store.set(TRUST_LIST_KEY, record);
  const changed = !current || current.list.version !== result.list.version;
  return { ok: true, holding: { list: result.list, record }, changed, serverDate: fetched.serverDate };
}
