// Bundled for headless Chromium by bench/feed-privacy.ts: a signed snapshot, and the delta that
// follows it, taken in two ways in one page, each timed with performance.now() inside the page:
//   - core: verify and apply with src/ alone (verifyRevocationFeed, applyRevocationFeed);
//   - PWA: the verifier app's own sync (verifier-web/src/sync/revocation-sync.ts) with its real
//     IndexedDB store, so verify + apply + storing the sets per (window, epoch) until the
//     transaction commits.
import { applyRevocationFeed, type RevocationState, type TrustedKey, type TrustList, verifyRevocationFeed } from '../../src/index.ts';
import { indexedDbStore } from '../../verifier-web/src/storage/indexed-db-store.ts';
import { loadRevocations, type StoredRevocations } from '../../verifier-web/src/storage/revocation-store.ts';
import { syncRevocations } from '../../verifier-web/src/sync/revocation-sync.ts';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

let held: { bytes: Uint8Array; delta: Uint8Array; key: TrustedKey } | undefined;
/** What the last snapshot left, for the delta that follows it. */
let coreState: RevocationState | undefined;
let pwaState: StoredRevocations | undefined;

/** Keeps the snapshot, the delta and the key in the page, so the timed runs do not include moving them in. */
export function load(bytesBase64: string, deltaBase64: string, publicKeyBase64: string, kidBase64: string): void {
  held = {
    bytes: fromBase64(bytesBase64),
    delta: fromBase64(deltaBase64),
    key: { kid: fromBase64(kidBase64), publicKey: fromBase64(publicKeyBase64), state: 'active', validFrom: 0 },
  };
}

const listOf = (key: TrustedKey, now: number): TrustList => ({
  version: 1,
  issuedAt: now - 60,
  nextUpdate: now + 86400,
  issuer: 'ZJ',
  keys: [key],
});
/** A fetcher that serves the bytes as the network would: a fresh buffer each time. */
const served = (bytes: Uint8Array) => async () =>
  new Response(bytes.slice().buffer, { status: 200, headers: { 'content-type': 'application/cose' } });

export async function applyWithCore(now: number): Promise<number> {
  const { bytes, key } = held!;
  const started = performance.now();
  const verified = await verifyRevocationFeed(bytes, { keys: [key], now });
  if (!verified.ok) throw new Error(`snapshot did not verify: ${verified.reason}`);
  const applied = applyRevocationFeed(undefined, verified.feed, now);
  if (!applied.ok || applied.state.sets.size === 0) throw new Error('nothing applied');
  const ms = performance.now() - started;
  coreState = applied.state;
  return ms;
}

export async function applyDeltaWithCore(now: number): Promise<number> {
  const { delta, key } = held!;
  const started = performance.now();
  const verified = await verifyRevocationFeed(delta, { keys: [key], now });
  if (!verified.ok) throw new Error(`delta did not verify: ${verified.reason}`);
  const applied = applyRevocationFeed(coreState, verified.feed, now);
  if (!applied.ok || !applied.changed) throw new Error('delta not applied');
  return performance.now() - started;
}

/** Empties the PWA's store (untimed), then syncs the snapshot through the PWA's code. */
export async function syncWithPwa(now: number): Promise<number> {
  const { bytes, key } = held!;
  await new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('tricolor', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('kv');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('kv', 'readwrite');
      tx.objectStore('kv').clear();
      tx.oncomplete = () => {
        open.result.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error);
    };
  });
  const started = performance.now();
  const synced = await syncRevocations({ fetcher: served(bytes), store: indexedDbStore, now, baseUrl: '' }, listOf(key, now), undefined);
  const ms = performance.now() - started;
  if (!synced.ok || synced.stored.state.sets.size === 0)
    throw new Error(`PWA sync failed: ${synced.ok ? 'nothing applied' : synced.error}`);
  pwaState = synced.stored;
  return ms;
}

/** The delta after the snapshot the last syncWithPwa stored, through the PWA's sync and store. */
export async function syncDeltaWithPwa(now: number): Promise<number> {
  const { delta, key } = held!;
  const started = performance.now();
  const synced = await syncRevocations({ fetcher: served(delta), store: indexedDbStore, now, baseUrl: '' }, listOf(key, now), pwaState);
  const ms = performance.now() - started;
  if (!synced.ok || !synced.changed) throw new Error(`PWA delta failed: ${synced.ok ? 'not applied' : synced.error}`);
  return ms;
}

/** What the PWA holds after the last sync, read back from IndexedDB: the number of stored indices. */
export async function storedIndexCount(): Promise<number> {
  const stored = await loadRevocations(indexedDbStore);
  let n = 0;
  for (const epochs of stored?.state.sets.values() ?? []) for (const indices of epochs.values()) n += indices.length;
  return n;
}
