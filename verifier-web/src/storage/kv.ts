// The device's key-value storage, as the sync code sees it: values are structured clones, so
// Uint8Array and Map (the revocation state) are stored as they are. The IndexedDB implementation
// is in indexed-db-store.ts, so this interface has no browser types and the drills can run the
// sync code inside workerd.

export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Writes and deletes several keys at once: all of them happen, or none (one IndexedDB transaction). */
  write(batch: KeyValueBatch): Promise<void>;
}

export interface KeyValueBatch {
  set?: readonly (readonly [string, unknown])[];
  delete?: readonly string[];
}

/** For unit tests and for browsers where IndexedDB is refused: same interface, memory only. */
export function createMemoryStore(): KeyValueStore {
  const data = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => data.get(key) as T | undefined,
    set: async (key, value) => void data.set(key, structuredClone(value)),
    delete: async (key) => void data.delete(key),
    write: async (batch) => {
      // Cloned before anything is stored, so a value that cannot be cloned changes nothing.
      const values = (batch.set ?? []).map(([key, value]) => [key, structuredClone(value)] as const);
      for (const key of batch.delete ?? []) data.delete(key);
      for (const [key, value] of values) data.set(key, value);
    },
  };
}
