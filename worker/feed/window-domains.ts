// Which domain each issuance window indexes over (docs/feed-privacy.md "Domain"): every slot in
// use when the window is first needed, plus headroom for the holders enrolled during it, in
// whole buckets, and never below the million points SP 800-38G Rev. 1 asks of FF1. The first
// isolate to need a window fixes it in the feed database; every isolate caches what it read.

import { MAX_DOMAIN, MIN_SECURE_DOMAIN, type WindowDomain } from '../../src/index.ts';
import { highestDenseNumber } from '../db/bucket-counters.ts';
import type { Db } from '../db/client.ts';
import { fixWindowDomain, readWindowDomain } from '../db/window-domains.ts';
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
}

/** Per isolate: a window's domain never changes once fixed, so a cached value is never stale. */
export class WindowDomainCache {
  readonly #domains = new Map<number, number>();
  /** Windows kept at most: live windows are about six, the rest are dropped oldest first. */
  readonly #capacity: number;

  constructor(capacity = 16) {
    this.#capacity = capacity;
  }

  async domainOf(window: number, sources: DomainSources): Promise<number> {
    const cached = this.#domains.get(window);
    if (cached !== undefined) return cached;
    let domain = await readWindowDomain(sources.readFeedDb(), window);
    if (domain === undefined) {
      const highest = await highestDenseNumber(sources.holderDbs());
      domain = await fixWindowDomain(sources.feedDb(), window, offeredDomain(highest, sources.headroomPerBucket));
    }
    this.#domains.set(window, domain);
    while (this.#domains.size > this.#capacity) this.#domains.delete(Math.min(...this.#domains.keys()));
    return domain;
  }

  /** The domains of several windows, resolved first so that a synchronous WindowDomain can follow. */
  async resolve(windows: readonly number[], sources: DomainSources): Promise<WindowDomain> {
    const domains = new Map<number, number>();
    for (const window of windows) domains.set(window, await this.domainOf(window, sources));
    return (window) => {
      const domain = domains.get(window);
      if (domain === undefined) throw new RangeError(`window ${window} was not resolved`);
      return domain;
    };
  }
}
