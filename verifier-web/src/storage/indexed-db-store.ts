// A minimal promise wrapper over one IndexedDB object store (the KeyValueStore of kv.ts).

import { createMemoryStore, type KeyValueStore } from './kv.ts';

const DB_NAME = 'tricolor';
const STORE = 'kv';

let opened: Promise<IDBDatabase> | undefined;

function openDatabase(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      opened = undefined; // let a later call try again (private mode, quota, ...)
      reject(request.error ?? new Error('IndexedDB unavailable'));
    };
  });
  return opened;
}

function run<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest | undefined): Promise<T> {
  return openDatabase().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = action(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(request?.result as T);
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
      }),
  );
}

export const indexedDbStore: KeyValueStore = {
  get: (key) => run('readonly', (s) => s.get(key)),
  set: (key, value) => run('readwrite', (s) => s.put(value, key)),
  delete: (key) => run('readwrite', (s) => s.delete(key)),
  // One transaction: IndexedDB commits every request in it or none.
  write: (batch) =>
    run('readwrite', (s) => {
      for (const key of batch.delete ?? []) s.delete(key);
      for (const [key, value] of batch.set ?? []) s.put(value, key);
      return undefined;
    }),
};

/** IndexedDB when the browser allows it; otherwise memory, so the app still verifies this session. */
export async function openBestStore(): Promise<KeyValueStore> {
  try {
    await indexedDbStore.get('probe');
    return indexedDbStore;
  } catch {
    return createMemoryStore();
  }
}
