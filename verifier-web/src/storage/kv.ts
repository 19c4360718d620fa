// The device's key-value storage, as the sync code sees it: values are structured clones, so
// Uint8Array and Map (the revocation state) are stored as they are. The IndexedDB implementation
// is in indexed-db-store.ts, so this interface has no browser types and the drills can run the
// sync code inside workerd.

export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** For unit tests and for browsers where IndexedDB is refused: same interface, memory only. */
export function createMemoryStore(): KeyValueStore {
  const data = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => data.get(key) as T | undefined,
    set: async (key, value) => void data.set(key, structuredClone(value)),
    delete: async (key) => void data.delete(key),
  };
}
