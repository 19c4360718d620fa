// The feed's head sequence, cached in the isolate for a few seconds so that a poll carrying a
// matching If-None-Match is answered 304 without touching D1. Staleness bound: a revocation
// written by another isolate shows up here at most TUNABLES.feedHeadCacheSeconds later; one
// written by this isolate invalidates the cache at once.

import { TUNABLES } from '../tunables.ts';

export class FeedHeadCache {
  #entry: { seq: number; readAt: number } | undefined;

  /** The cached head if it is fresh by the request clock, else undefined. */
  fresh(now: number): number | undefined {
    const e = this.#entry;
    if (!e || now < e.readAt || now - e.readAt >= TUNABLES.feedHeadCacheSeconds) return undefined;
    return e.seq;
  }

  remember(seq: number, now: number): void {
    this.#entry = { seq, readAt: now };
  }

  invalidate(): void {
    this.#entry = undefined;
  }
}
