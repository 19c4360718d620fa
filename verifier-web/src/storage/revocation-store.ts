// The revocation state as this device keeps it (docs/revocation-feed.md "Sync protocol"): one
// record per (window, epoch) holding that set's sorted revoked indices as a Uint32Array, and one
// small record that says which sets there are, how far the feed has been applied (seq) and how
// fresh it is. A delta rewrites only the sets it changed; windows that left the feed are deleted.
// Everything of one sync is written in one transaction, so a crash leaves the old state or the
// new one, never a sequence number ahead of the sets it stands for.
import type { RevocationState, WindowStatusSets } from '../../../src/index.ts';
import type { KeyValueStore } from './kv.ts';

export const REVOCATIONS_KEY = 'revocations';
/** Records of version 1 (sub → revokedBefore) have no format: they are dropped for a snapshot. */
const FORMAT = 2;

export interface StoredRevocations {
  state: RevocationState;
  /** The last ETag, sent back as If-None-Match: an unchanged feed then costs a 304. */
  etag?: string;
  /** The signed issuedAt of the newest feed that confirmed this state (issuer clock, seconds). */
  signedAt: number;
  /**
   * The signed issuedAt of a snapshot that ended below the sequence held: the issuer was
   * restored, and revocations it lost may be missing (docs/revocation-feed.md "Issuer restore").
   */
  restoredAt?: number;
}

interface HeaderRecord extends Omit<StoredRevocations, 'state'> {
  format: typeof FORMAT;
  issuer: string;
  seq: number;
  issuedAt: number;
  maxTokenLifetime: number;
  /** [window, epoch] of every set held, each stored under setKey(window, epoch). */
  sets: [number, number][];
}

export function setKey(window: number, epoch: number): string {
  return `${REVOCATIONS_KEY}/${window}/${epoch}`;
}

function pairsOf(sets: WindowStatusSets): [number, number][] {
  return [...sets].flatMap(([window, epochs]) => [...epochs.keys()].map((epoch): [number, number] => [window, epoch]));
}

/**
 * Saves `next`. Sets that are the same object in `held` (applyStatusPieces keeps the arrays it
 * did not touch) are not written again; sets the header lists but `next` does not are deleted.
 */
export async function saveRevocations(store: KeyValueStore, next: StoredRevocations, held: WindowStatusSets | undefined): Promise<void> {
  const previous = await store.get<Partial<HeaderRecord>>(REVOCATIONS_KEY);
  const { state, ...freshness } = next;
  const pairs = pairsOf(state.sets);
  const kept = new Set(pairs.map(([w, e]) => setKey(w, e)));
  const header: HeaderRecord = {
    ...freshness,
    format: FORMAT,
    issuer: state.issuer,
    seq: state.seq,
    issuedAt: state.issuedAt,
    maxTokenLifetime: state.maxTokenLifetime,
    sets: pairs,
  };
  const stale = previous?.format === FORMAT && Array.isArray(previous.sets) ? previous.sets.map(([w, e]) => setKey(w, e)) : [];
  const listedBefore = new Set(stale);
  const changed = pairs.filter(([w, e]) => !listedBefore.has(setKey(w, e)) || held?.get(w)?.get(e) !== state.sets.get(w)?.get(e));
  await store.write({
    delete: stale.filter((key) => !kept.has(key)),
    set: [...changed.map(([w, e]) => [setKey(w, e), state.sets.get(w)!.get(e)!] as const), [REVOCATIONS_KEY, header] as const],
  });
}

/** What the device holds, or undefined when it holds nothing usable (then the next sync asks for a snapshot). */
export async function loadRevocations(store: KeyValueStore): Promise<StoredRevocations | undefined> {
  const header = await store.get<Partial<HeaderRecord>>(REVOCATIONS_KEY);
  if (header?.format !== FORMAT || !Array.isArray(header.sets) || typeof header.issuer !== 'string') return undefined;
  const { issuer, seq, issuedAt, maxTokenLifetime, etag, signedAt, restoredAt } = header as HeaderRecord;
  const arrays = await Promise.all(header.sets.map(([w, e]) => store.get<Uint32Array>(setKey(w, e))));
  const sets = new Map<number, Map<number, Uint32Array>>();
  let complete = true;
  for (const [i, [window, epoch]] of header.sets.entries()) {
    const indices = arrays[i];
    if (!(indices instanceof Uint32Array)) {
      complete = false;
      continue;
    }
    const epochs = sets.get(window) ?? new Map<number, Uint32Array>();
    epochs.set(epoch, indices);
    sets.set(window, epochs);
  }
  // A set the header lists but the store lost: the rest still revoke what they list, but the
  // sequence and the signed time no longer stand for what is held, so the next sync asks for a
  // snapshot (merged in, as always) and, until then, the data shows as stale.
  return {
    state: { issuer, seq: complete ? seq : 0, issuedAt, maxTokenLifetime, sets },
    signedAt: complete ? signedAt : 0,
    ...(etag === undefined ? {} : { etag }),
    ...(restoredAt === undefined ? {} : { restoredAt }),
  };
}
