// GET /v1/revocations?since=<seq>: the signed revocation feed (docs/revocation-feed.md).
//
// Order of work, cheapest first (after the per-address rate limit, worker/rate-limit.ts):
// 1. The head sequence: from the isolate cache while fresh (a few seconds), else from D1, one
//    read shared by every poll waiting for it. If-None-Match matching it is a 304, so a poll with
//    nothing new costs no D1 query at all while the cache is fresh, and one indexed read per
//    isolate per cache lifetime otherwise.
// 2. The plan: delta from `since`, or a snapshot (since 0, above the head, or older than the first
//    live entry). Only the plan names the edge-cache entry, never the raw `since`: otherwise each
//    new `since` above the head would miss the cache and rebuild a snapshot on the primary.
// 3. The Cache API (the edge cache), keyed by the plan, head and signing kid: a hit is a
//    response some request already built for exactly this state.
// 4. Build, sign, answer, and put the response in the edge cache.

import type { Hono } from 'hono';
import * as z from 'zod/mini';
import { toHex } from '../../src/index.ts';
import { readHeadSeq } from '../db/revocations.ts';
import type { AppEnv } from '../env.ts';
import { buildFeed, planFeed, signFeed } from '../feed/build.ts';
import { limitFeedByAddress } from '../rate-limit.ts';
import { activeSigner } from '../trust/signer.ts';
import { TUNABLES } from '../tunables.ts';
import { queryParams } from '../validate.ts';
import { etagMatches, PUBLIC_CACHE } from './http-cache.ts';

const feedQuery = z.strictObject({
  since: z.optional(
    z.pipe(z.string().check(z.regex(/^(0|[1-9]\d{0,14})$/, 'must be a sequence number (0 or a positive integer)')), z.transform(Number)),
  ),
});

export function registerRevocationRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/revocations', limitFeedByAddress, queryParams(feedQuery), async (c) => {
    // Read-only: a lagging replica only delays news by its lag (verifiers keep polling), and a
    // feed older than what a verifier holds changes nothing there (applyRevocationFeed).
    const { config, now, state, readDb } = c.var;
    const since = c.var.query.since ?? 0;
    const ifNoneMatch = c.req.header('if-none-match');
    const notModified = (seq: number) => {
      c.header('ETag', etagOf(seq));
      c.header('Cache-Control', PUBLIC_CACHE);
      return c.body(null, 304);
    };

    // From the isolate cache while fresh; else one D1 read shared by the polls arriving meanwhile.
    const head = await state.feedHead.read(now, () => readHeadSeq(readDb()));
    if (etagMatches(ifNoneMatch, etagOf(head))) return notModified(head);

    const active = await activeSigner(readDb, config, state.trust, now);
    const request = {
      since,
      head,
      issuer: config.issuer,
      maxTokenLifetime: config.tokenLifetimeSeconds,
      now,
      maxDeltaEntries: TUNABLES.feedMaxDeltaEntries,
      snapshotPageRows: TUNABLES.feedSnapshotPageRows,
    };
    const plan = await planFeed(readDb, request);
    // Keyed under this Worker's own origin: the Cache API stores per zone (and does nothing on
    // workers.dev). No client request uses this path; only this code reads the entries.
    const origin = new URL(c.req.url).origin;
    const planKey = plan.kind === 'snapshot' ? 'snapshot' : `delta-${plan.since}`;
    const cacheKey = new Request(`${origin}/v1/revocations/cache/${config.issuer}/${toHex(active.key.kid)}/${head}/${planKey}`);
    const hit = await state.edgeCache?.match(cacheKey);
    // Re-wrapped: a cached response's headers are immutable, and middleware may add some.
    if (hit) return new Response(hit.body, hit);

    const feed = await buildFeed(readDb(), plan, request);
    const body = await signFeed(feed, active);
    const response = new Response(body.slice().buffer as ArrayBuffer, {
      headers: {
        'Content-Type': 'application/cose',
        ETag: etagOf(feed.toSeq),
        'Cache-Control': PUBLIC_CACHE,
        'Tricolor-Feed-Kind': feed.kind,
      },
    });
    if (state.edgeCache) c.executionCtx.waitUntil(state.edgeCache.put(cacheKey, response.clone()));
    return response;
  });
}

/** The ETag names the state a response brings the verifier to: its toSeq. */
function etagOf(seq: number): string {
  return `"rv-${seq}"`;
}
