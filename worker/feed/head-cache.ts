// The feed's head sequence, cached in the isolate for a few seconds so that a poll carrying a
// matching If-None-Match is answered 304 without touching D1. Staleness bound: a revocation
// written by another isolate shows up here at most TUNABLES.feedHeadCacheSeconds later; one
// written by this isolate invalidates the cache at once.
//
// When the cache lapses, the polls that arrive together share one D1 read (single flight), so an
// isolate reads the head at most once per lifetime however busy it is (docs/scale.md). A read
// that was in flight when this isolate wrote a revocation still answers the polls that were
// already waiting for it (they asked before the write), but is not remembered.

import { TUNABLES } from '../tunables.ts';

export class FeedHeadCache {
  #entry: { seq: number; readAt: number } | undefined;
  #loading: Promise<number> | undefined;
  /** Bumped by invalidate(), so a read started before a write is not remembered after it. */
  #generation = 0;

  /** The cached head if it is fresh by the request clock, else undefined. */
  fresh(now: number): number | undefined {
    const e = this.#entry;
    if (!e || now < e.readAt || now - e.readAt >= TUNABLES.feedHeadCacheSeconds) return undefined;
    return e.seq;
  }

  remember(seq: number, now: number): void {
    this.#entry = { seq, readAt: now };
  }

  /**
   * The head: cached while fresh, else from `load`, one call at a time. Only a read from D1
   * restarts the lifetime; otherwise steady polling would keep a stale head alive for ever.
   */
  async read(now: number, load: () => Promise<number>): Promise<number> {
    const cached = this.fresh(now);
    if (cached !== undefined) return cached;
    if (!this.#loading) {
      const generation = this.#generation;
      const loading = load().then((seq) => {
        if (generation === this.#generation) this.remember(seq, now);
        return seq;
      });
      this.#loading = loading;
      const clear = () => {
        if (this.#loading === loading) this.#loading = undefined;
      };
      loading.then(clear, clear);
    }
    return this.#loading;
  }

  invalidate(): void {
    this.#entry = undefined;
    this.#loading = undefined;
    this.#generation++;
  }
}
