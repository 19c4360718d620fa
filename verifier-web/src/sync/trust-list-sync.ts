// The trust list on this device: the last good list, re-verified against the pinned root whenever
// it is loaded, and replaced only by a newer list that verifies (docs/trust-list.md "What a
// verifier does").
//
// Key revocation is one-way: every kid this device has seen revoked is kept under its own key
// (REVOKED_KIDS_KEY), apart from the list, so no later list can bring it back (`unrevoked_key`),
// even one that drops the key altogether and re-adds it later.
import { revokedKidsOf, type TrustList, verifyTrustList } from '../../../src/index.ts';
import type { KeyValueStore } from '../storage/kv.ts';
import { type Fetcher, fetchBytes } from './http.ts';

export const TRUST_LIST_KEY = 'trust-list';
export const REVOKED_KIDS_KEY = 'revoked-kids';

export interface StoredTrustList {
  bytes: Uint8Array;
  etag?: string;
  /** When the server last confirmed this list (device clock, seconds). */
  checkedAt: number;
}

export interface TrustListHolding {
  list: TrustList;
  record: StoredTrustList;
  /** Hex kids ever seen revoked on this device, this list's included. */
  revokedKids: ReadonlySet<string>;
}

export async function loadRevokedKids(store: KeyValueStore): Promise<Set<string>> {
  const saved = await store.get<string[]>(REVOKED_KIDS_KEY).catch(() => undefined);
  return new Set(Array.isArray(saved) ? saved.filter((k) => typeof k === 'string') : []);
}

/** Adds the list's revoked kids to the set kept on the device; the set only ever grows. */
async function rememberRevokedKids(store: KeyValueStore, known: ReadonlySet<string>, list: TrustList): Promise<Set<string>> {
  const all = new Set([...known, ...revokedKidsOf(list)]);
  if (all.size !== known.size) await store.set(REVOKED_KIDS_KEY, [...all]);
  return all;
}

export async function loadTrustList(store: KeyValueStore, rootPublicKey: Uint8Array): Promise<TrustListHolding | undefined> {
  const record = await store.get<StoredTrustList>(TRUST_LIST_KEY);
  if (!record?.bytes) return undefined;
  const known = await loadRevokedKids(store);
  // Storage is not a trust anchor: the bytes must still verify against the pinned root.
  const result = await verifyTrustList(record.bytes, { rootPublicKey, revokedKids: known });
  if (!result.ok) return undefined;
  return { list: result.list, record, revokedKids: await rememberRevokedKids(store, known, result.list) };
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
    return { ok: true, holding: { ...current, record }, changed: false, serverDate: fetched.serverDate };
  }
  const known = current?.revokedKids ?? (await loadRevokedKids(deps.store));
  const result = await verifyTrustList(fetched.bytes!, {
    rootPublicKey: deps.rootPublicKey,
    minimumVersion: current?.list.version,
    revokedKids: known,
  });
  // A failing list never replaces a good one.
  if (!result.ok) return { ok: false, error: `trust list refused: ${result.reason}`, serverDate: fetched.serverDate };
  // The revoked kids are saved before the list: a crash in between can only leave more revoked.
  const revokedKids = await rememberRevokedKids(deps.store, known, result.list);
  const record: StoredTrustList = { bytes: fetched.bytes!, etag: fetched.etag, checkedAt: deps.now };
  await deps.store.set(TRUST_LIST_KEY, record);
  const changed = !current || current.list.version !== result.list.version;
  return { ok: true, holding: { list: result.list, record, revokedKids }, changed, serverDate: fetched.serverDate };
}
