// Which domain each issuance window indexes over (docs/feed-privacy.md "Domain"): every slot in
// use when the window is first needed, plus headroom for the holders enrolled during it, in
// whole buckets, and never below the million points SP 800-38G Rev. 1 asks of FF1; and which feed
// key (the active one when it is fixed) keys its permutations, so a rotated key leaves the windows
// already fixed alone. The first isolate to need a window fixes it in the feed database; every
// isolate caches what it read.

import { MAX_DOMAIN, MIN_SECURE_DOMAIN, type WindowDomain } from '../../src/index.ts';
import type { FeedKeys } from '../config.ts';
import { highestDenseNumber } from '../db/bucket-counters.ts';
import type { Db } from '../db/client.ts';
import { type FixedWindow, fixWindowDomain, readWindowDomain } from '../db/window-domains.ts';
import { DomainError } from '../domain-errors.ts';
import { HOLDER_BUCKETS } from '../shards/buckets.ts';

/** The domain offered for a window when the highest dense number in use is `highest`. */
export function offeredDomain(highest: number, headroomPerBucket: number): number {
  const domain = Math.max(MIN_SECURE_DOMAIN, (highest + 1 + headroomPerBucket) * HOLDER_BUCKETS);
  // 2^32 slots are 4.2 million holders per bucket, 4.3 billion in all: far beyond any deployment.
  if (domain > MAX_DOMAIN) throw new DomainError('misconfigured', 'The issuer has more holders than window indices can number.');
  return domain;
}

export interface DomainSources {
  /** Possibly a read replica: a domain once fixed never changes, so any copy of it is right. */
  readFeedDb: () => Db;
  /** The feed database's primary, where a missing domain is fixed. */
  feedDb: () => Db;
  holderDbs: () => Db[];
  headroomPerBucket: number;
  feedKeys: FeedKeys;
}

/** What a window's indices are computed with: its domain and its feed key. */
export interface WindowKeying {
  domain: number;
  key: Uint8Array;
}

/** Several windows resolved, so the synchronous core functions can follow. */
export interface ResolvedWindows {
  domainOf: WindowDomain;
  keyOf(window: number): Uint8Array;
}

/** Per isolate: a window's domain and key id never change once fixed, so a cached value is never stale. */
export class WindowDomainCache {
  readonly #windows = new Map<number, FixedWindow>();
  /** Windows kept at most: live windows are about six, the rest are dropped oldest first. */
  readonly #capacity: number;

  constructor(capacity = 16) {
    this.#capacity = capacity;
  }

  async windowOf(window: number, sources: DomainSources): Promise<WindowKeying> {
    let fixed = this.#windows.get(window);
    if (fixed === undefined) {
      fixed = await readWindowDomain(sources.readFeedDb(), window);
      if (fixed === undefined) {
        const highest = await highestDenseNumber(sources.holderDbs());
        const offered = { domain: offeredDomain(highest, sources.headroomPerBucket), keyId: sources.feedKeys.activeId };
        fixed = await fixWindowDomain(sources.feedDb(), window, offered);
      }
      this.#windows.set(window, fixed);
      while (this.#windows.size > this.#capacity) this.#windows.delete(Math.min(...this.#windows.keys()));
    }
    const key = sources.feedKeys.byId.get(fixed.keyId);
    // A retired key dropped while its windows are still in the feed (docs/operations.md "FEED_KEY").
    if (!key)
      throw new DomainError(
        'misconfigured',
        `The issuer is misconfigured: the feed key of window ${window} is not in FEED_KEY or FEED_KEYS_RETIRED.`,
      );
    return { domain: fixed.domain, key };
  }

  async domainOf(window: number, sources: DomainSources): Promise<number> {
    return (await this.windowOf(window, sources)).domain;
  }

  async resolve(windows: readonly number[], sources: DomainSources): Promise<ResolvedWindows> {
    const resolved = new Map<number, WindowKeying>();
    for (const window of windows) resolved.set(window, await this.windowOf(window, sources));
    const of = (window: number) => {
      const keying = resolved.get(window);
      if (keying === undefined) throw new RangeError(`window ${window} was not resolved`);
      return keying;
    };
    return { domainOf: (window) => of(window).domain, keyOf: (window) => of(window).key };
  }
}
