// What a status write adds to the feed (docs/feed-privacy.md "Same window, after a downgrade"):
// for each revocation cut, the window indices src/window-status.ts downgradeStatusReferences
// lists, and the holder's cuts as they must be remembered for the next token and the next cut.
// Pure: the domains are resolved before (worker/feed/window-domains.ts).

import {
  DEFAULT_SKEW_SECONDS,
  downgradeStatusReferences,
  MAX_REVOCATION_EPOCH,
  WINDOW_SECONDS,
  type WindowDomain,
  windowOf,
} from '../../src/index.ts';
import type { FeedReference } from '../db/feed-entries.ts';

/** The holder row's revocation_cuts column: a JSON array of NumericDates, or null for none. */
export function parseCuts(stored: string | null): number[] {
  if (stored === null) return [];
  const parsed: unknown = JSON.parse(stored);
  if (!Array.isArray(parsed) || !parsed.every((c) => Number.isSafeInteger(c))) throw new Error('holders.revocation_cuts is malformed');
  return parsed as number[];
}

/**
 * The oldest cut still worth keeping at `now`: a token's epoch counts the cuts in its own window
 * (at most a window old), and a cut C lists windows back to that of C − lifetime − skew, whose
 * epochs count the cuts from that window's start; anything older changes no answer.
 */
export function oldestUsefulCut(now: number, maxTokenLifetime: number): number {
  return now - maxTokenLifetime - DEFAULT_SKEW_SECONDS - WINDOW_SECONDS;
}

/** The windows a cut lists (src/revocation-epoch.ts revokedReferences). */
export function windowsListedBy(cut: number, maxTokenLifetime: number): number[] {
  const windows: number[] = [];
  for (let w = windowOf(cut - maxTokenLifetime - DEFAULT_SKEW_SECONDS); w <= windowOf(cut); w++) windows.push(w);
  return windows;
}

export interface FeedEntries {
  /** Distinct (window, epoch) pairs, each with the holder's index there. */
  references: FeedReference[];
  /** The latest cut: the feed's revocations row carries it (planFeed). */
  revokedBefore: number;
  /** The holder's cuts after this write, pruned, as the revocation_cuts column stores them. */
  storedCuts: string;
}

/**
 * `keyOf` gives each window's feed key: across a key rotation the windows a cut lists can have
 * different keys, so the references are computed once per key and each window's kept from the
 * computation with its own key (the core function takes one key).
 */
export function planFeedEntries(
  keyOf: (window: number) => Uint8Array,
  slot: number,
  stored: readonly number[],
  newCuts: readonly number[],
  maxTokenLifetime: number,
  now: number,
  domainOf: WindowDomain,
): FeedEntries {
  const oldest = oldestUsefulCut(now, maxTokenLifetime);
  const cuts = stored.filter((c) => c >= oldest);
  const references = new Map<number, FeedReference>();
  for (const cut of [...newCuts].sort((a, b) => a - b)) {
    const keys = new Set(windowsListedBy(cut, maxTokenLifetime).map(keyOf));
    for (const key of keys) {
      for (const r of downgradeStatusReferences(key, slot, cuts, cut, maxTokenLifetime, domainOf)) {
        if (keyOf(r.window) === key) references.set(r.window * (MAX_REVOCATION_EPOCH + 1) + r.epoch, r);
      }
    }
    cuts.push(cut);
  }
  cuts.sort((a, b) => a - b);
  return { references: [...references.values()], revokedBefore: Math.max(...newCuts), storedCuts: JSON.stringify(cuts) };
}
