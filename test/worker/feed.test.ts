// GET /v1/revocations: the signed feed of window indices (docs/revocation-feed.md,
// docs/feed-privacy.md), snapshots and deltas, HTTP caching, and the size targets. Every
// assertion about what is revoked goes through src/'s verifier (verifyToken, applyRevocationFeed).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { applyRevocationFeed, decodeStatusPiece, type RevocationState, type UnsignedRevocationFeed, windowOf } from '../../src/index.ts';
import { openDb } from '../../worker/db/client.ts';
import { feedEntryStatements } from '../../worker/db/feed-entries.ts';
import { deltaRowsQuery, piecePageQuery } from '../../worker/db/revocations.ts';
import { chooseFeed, type FeedRequest } from '../../worker/feed/build.ts';
import { DAY, REVOCATION_MARGIN, T0 } from './fixtures.ts';
import { countingEnv, enrol, fetchFeed, type Harness, harness, setStatus, syncedRevocations, verifyAt } from './helpers.ts';

const WINDOW = 6 * 3600;

async function headSeq(): Promise<number> {
  return (await env.DB.prepare('select max(seq) as seq from revocations').first<{ seq: number }>())!.seq;
}

/** A holder enrolled now (with the token enrolment issued), then downgraded to red a second later. */
async function downgraded(h: Harness) {
  const holder = await enrol(h);
  h.clock.t += 1;
  expect((await setStatus(h, holder.holderId, 'red')).status).toBe(200);
  return { ...holder, seq: await headSeq(), revokedBefore: h.clock.t + REVOCATION_MARGIN };
}

function request(h: Harness, head: number, over: Partial<FeedRequest> = {}): FeedRequest {
  return {
    issuer: env.ISSUER,
    maxTokenLifetime: 86400,
    now: h.clock.t,
    head,
    since: 0,
    maxDeltaEntries: 50_000,
    snapshotPageRows: 5000,
    ...over,
  };
}

/** The sets a verifier would hold after taking this feed's pieces (coded ones decoded strictly). */
function setsOf(feed: UnsignedRevocationFeed, now: number): RevocationState['sets'] {
  const pieces = feed.pieces.map((p) => {
    if (!('bits' in p)) return p;
    const decoded = decodeStatusPiece(p);
    if (!decoded.ok) throw new Error(decoded.detail);
    return decoded.piece;
  });
  const applied = applyRevocationFeed(undefined, { ...feed, pieces, kind: 'snapshot', fromSeq: 0 }, now);
  if (!applied.ok) throw new Error(applied.reason);
  return applied.state.sets;
}

function asObject(sets: RevocationState['sets']): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [window, epochs] of sets)
    for (const [epoch, indices] of epochs) if (indices.length > 0) out[`${window}/${epoch}`] = [...indices];
  return out;
}

describe('the revocation feed', () => {
  it('serves a signed snapshot for since=0 that revokes the token issued before the downgrade', async () => {
    const h = harness();
    const a = await downgraded(h);
    const { feed, res } = await fetchFeed(h, 0);
    expect(feed).toMatchObject({
      issuer: env.ISSUER,
      kind: 'snapshot',
      fromSeq: 0,
      toSeq: a.seq,
      maxTokenLifetime: 86400,
      issuedAt: h.clock.t,
    });
    const applied = applyRevocationFeed(undefined, feed, h.clock.t);
    if (!applied.ok) throw new Error(applied.reason);
    expect((await verifyAt(h, a.token, applied.state.sets)).ok).toBe(false);
    expect(await verifyAt(h, a.token, applied.state.sets)).toMatchObject({ reason: 'token_revoked' });
    // Without the feed the same token verifies: the revocation is the feed's doing.
    expect((await verifyAt(h, a.token)).ok).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/cose');
    expect(res.headers.get('etag')).toBe(`"rv-${a.seq}"`);
    expect(res.headers.get('cache-control')).toBe('public, max-age=30, stale-while-revalidate=60');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('lists a downgrade in every window a live token can come from: the 24 h lifetime plus 300 s skew, five or six windows', async () => {
    const h = harness();
    const a = await downgraded(h);
    const rows = await env.DB.prepare('select "window", epoch from window_revocations where seq = ? order by "window"')
      .bind(a.seq)
      .all<{ window: number; epoch: number }>();
    const last = windowOf(a.revokedBefore);
    const first = windowOf(a.revokedBefore - 86400 - 300);
    expect(rows.results.map((r) => r.window)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
    expect(rows.results.every((r) => r.epoch === 0)).toBe(true);
  });

  it('serves a delta of only the indices after since, which revokes the later holder and not the earlier', async () => {
    const h = harness();
    const a = await downgraded(h);
    h.clock.t += 1;
    const b = await downgraded(h);
    const { feed } = await fetchFeed(h, a.seq);
    expect(feed).toMatchObject({ kind: 'delta', fromSeq: a.seq, toSeq: b.seq });
    const sets = setsOf(feed, h.clock.t);
    expect(await verifyAt(h, b.token, sets)).toMatchObject({ ok: false, reason: 'token_revoked' });
    expect((await verifyAt(h, a.token, sets)).ok).toBe(true);
    const atHead = await fetchFeed(h, b.seq);
    expect(atHead.feed).toMatchObject({ kind: 'delta', fromSeq: b.seq, toSeq: b.seq, pieces: [] });
  });

  it('answers with a snapshot when since is ahead of the head, or older than every live entry', async () => {
    const h = harness();
    const old = await downgraded(h);
    h.clock.t += 2 * DAY; // `old` can now only revoke expired tokens
    const live = await downgraded(h);
    expect((await fetchFeed(h, live.seq + 100)).feed.kind).toBe('snapshot');
    const stale = await fetchFeed(h, old.seq - 1);
    expect(stale.feed.kind).toBe('snapshot');
    expect(await verifyAt(h, live.token, setsOf(stale.feed, h.clock.t))).toMatchObject({ reason: 'token_revoked' });
    // Only live windows are listed: none from before the old holder's downgrade two days ago.
    const oldest = windowOf(h.clock.t - 86400 - 300);
    expect(stale.feed.pieces.every((p) => p.window >= oldest)).toBe(true);
    // From just before the first live entry, a delta is as small as a snapshot and keeps state.
    expect((await fetchFeed(h, live.seq - 1)).feed.kind).toBe('delta');
  });

  it('keeps a window in snapshots while a token from it can still be accepted (lifetime + 300 s), then drops it', async () => {
    const h = harness();
    const a = await downgraded(h);
    const tokenWindow = windowOf(a.revokedBefore); // the enrolment token's window
    const windowEnd = (tokenWindow + 1) * WINDOW;
    // A token issued at the end of its window is accepted until then + lifetime + 300 s.
    h.clock.t = windowEnd + 86400 + 299;
    expect((await fetchFeed(h, 0)).feed.pieces.map((p) => p.window)).toContain(tokenWindow);
    h.clock.t = windowEnd + 86400 + 301;
    expect((await fetchFeed(h, 0)).feed.pieces.map((p) => p.window)).not.toContain(tokenWindow);
  });

  it('pages a long delta at whole downgrades: toSeq is the last downgrade included in full and the next poll continues from it', async () => {
    const h = harness();
    const first = await downgraded(h);
    const rest = [await downgraded(h), await downgraded(h)];
    const perDowngrade = (await env.DB.prepare('select count(*) as n from window_revocations where seq = ?')
      .bind(rest[0]!.seq)
      .first<{ n: number }>())!.n;
    // Room for one downgrade and part of the next: the partial one is left for the next page.
    const r = request(h, rest[1]!.seq, { maxDeltaEntries: perDowngrade + 2 });
    const page1 = await chooseFeed(openDb(env.DB), { ...r, since: first.seq });
    expect(page1).toMatchObject({ kind: 'delta', fromSeq: first.seq, toSeq: rest[0]!.seq });
    expect(page1.pieces.reduce((n, p) => n + ('indices' in p ? p.indices.length : p.count), 0)).toBe(perDowngrade);
    const page2 = await chooseFeed(openDb(env.DB), { ...r, since: page1.toSeq });
    expect(page2).toMatchObject({ kind: 'delta', fromSeq: rest[0]!.seq, toSeq: rest[1]!.seq });
    const sets1 = setsOf(page1, h.clock.t);
    const sets2 = setsOf(page2, h.clock.t);
    expect(await verifyAt(h, rest[0]!.token, sets1)).toMatchObject({ reason: 'token_revoked' });
    expect(await verifyAt(h, rest[1]!.token, sets2)).toMatchObject({ reason: 'token_revoked' });
    expect((await verifyAt(h, rest[1]!.token, sets1)).ok).toBe(true);
  });

  it('builds the same snapshot in pages as in one query, across more than one page per piece', async () => {
    const h = harness(T0 + 60 * DAY);
    for (let i = 0; i < 5; i++) await downgraded(h);
    const head = await headSeq();
    const whole = await chooseFeed(openDb(env.DB), request(h, head));
    const paged = await chooseFeed(openDb(env.DB), request(h, head, { snapshotPageRows: 2 }));
    expect(whole.kind).toBe('snapshot');
    // Five indices per window: pages of 2 take three queries per piece.
    expect(Math.max(...whole.pieces.map((p) => ('count' in p ? p.count : 0)))).toBe(5);
    expect(asObject(setsOf(paged, h.clock.t))).toEqual(asObject(setsOf(whole, h.clock.t)));
  });

  it('leaves out of a snapshot the rows written after the head it was asked for', async () => {
    const h = harness(T0 + 70 * DAY);
    const a = await downgraded(h);
    const b = await downgraded(h);
    const feed = await chooseFeed(openDb(env.DB), request(h, a.seq));
    const sets = setsOf(feed, h.clock.t);
    expect(await verifyAt(h, a.token, sets)).toMatchObject({ reason: 'token_revoked' });
    expect((await verifyAt(h, b.token, sets)).ok).toBe(true);
  });

  it('gives a verifier that follows every delta the same sets as one that takes a snapshot at the end', async () => {
    const h = harness(T0 + 80 * DAY);
    let follower: RevocationState | undefined;
    const poll = async () => {
      const { feed } = await fetchFeed(h, follower?.seq ?? 0);
      const applied = applyRevocationFeed(follower, feed, h.clock.t);
      if (!applied.ok) throw new Error(applied.reason);
      follower = applied.state;
    };
    await poll();
    for (let i = 0; i < 4; i++) {
      const a = await downgraded(h);
      h.clock.t += 3 * 3600; // across window boundaries
      await setStatus(h, a.holderId, 'green');
      h.clock.t += 60;
      await setStatus(h, a.holderId, 'yellow'); // a second downgrade of the same holder: epoch 1 where it shares a window
      h.clock.t += 6;
      await poll();
    }
    const fresh = await syncedRevocations(h);
    expect(asObject(follower!.sets)).toEqual(asObject(fresh));
    expect(Object.keys(asObject(fresh)).some((k) => k.endsWith('/1'))).toBe(true);
  });

  it.each(['since=-1', 'since=abc', 'since=1.5', 'from=3'])('refuses the query %s with 400', async (query) => {
    const h = harness();
    const { status, body } = await h.json('GET', `/v1/revocations?${query}`);
    expect([status, body.error.code]).toEqual([400, 'validation_failed']);
  });
});

describe('feed HTTP caching', () => {
  it('answers a matching If-None-Match with 304 without a single D1 query', async () => {
    const h = harness();
    await downgraded(h);
    const first = await h.call('GET', '/v1/revocations?since=0');
    const etag = first.headers.get('etag')!;
    const { env: counted, calls } = countingEnv();
    const again = await h.call('GET', `/v1/revocations?since=${etag.slice(4, -1)}`, { headers: { 'if-none-match': etag }, env: counted });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toContain('public');
    expect(calls()).toBe(0);
  });

  it('stops answering 304 at once after a revocation written by this isolate', async () => {
    const h = harness();
    await downgraded(h);
    const etag = (await h.call('GET', '/v1/revocations?since=0')).headers.get('etag')!;
    await downgraded(h);
    const res = await h.call('GET', '/v1/revocations?since=0', { headers: { 'if-none-match': etag } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).not.toBe(etag);
  });

  it('sees a revocation written by another isolate within the head cache lifetime (5 s)', async () => {
    const h = harness();
    const other = harness(); // a second isolate on the same D1
    await downgraded(h);
    const etag = (await h.call('GET', '/v1/revocations?since=0')).headers.get('etag')!;
    await downgraded(other);
    h.clock.t = other.clock.t + 4 - 2; // still inside the 5 s window of h's head read
    expect((await h.call('GET', '/v1/revocations?since=0', { headers: { 'if-none-match': etag } })).status).toBe(304);
    h.clock.t += 5;
    expect((await h.call('GET', '/v1/revocations?since=0', { headers: { 'if-none-match': etag } })).status).toBe(200);
  });

  it('does not let steady polling keep a stale head alive', async () => {
    const h = harness();
    const other = harness();
    await downgraded(h);
    const readAt = h.clock.t;
    const etag = (await h.call('GET', '/v1/revocations?since=0')).headers.get('etag')!;
    await downgraded(other);
    const statuses = [];
    for (let t = readAt + 1; t <= readAt + 6; t++) {
      h.clock.t = t;
      statuses.push((await h.call('GET', '/v1/revocations?since=0', { headers: { 'if-none-match': etag } })).status);
    }
    expect(statuses).toEqual([304, 304, 304, 304, 200, 200]);
  });

  it('serves a repeated poll from the edge cache without D1', async () => {
    const h = harness(T0, { edgeCache: await caches.open(`feed-test-${crypto.randomUUID()}`) });
    await downgraded(h);
    const first = await h.call('GET', '/v1/revocations?since=0');
    const bytes = new Uint8Array(await first.arrayBuffer());
    const { env: counted, calls } = countingEnv();
    const again = await h.call('GET', '/v1/revocations?since=0', { env: counted });
    expect(again.status).toBe(200);
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(bytes);
    expect(calls()).toBe(0);
  });
});

describe('the feed’s edge-cache key is canonical', () => {
  it('serves every snapshot request for one head (since above the head, or before the first live entry) from one cache entry', async () => {
    // Weeks after the other tests' entries, so only this test's entries can be live.
    const h = harness(T0 + 30 * DAY, { edgeCache: await caches.open(`feed-test-${crypto.randomUUID()}`) });
    const old = await downgraded(h);
    await downgraded(h);
    h.clock.t += 2 * DAY; // `old` and the next can now only revoke expired tokens
    const live = await downgraded(h);
    await downgraded(h);
    const first = await h.call('GET', `/v1/revocations?since=${live.seq + 1000}`);
    expect(first.headers.get('tricolor-feed-kind')).toBe('snapshot');
    const bytes = new Uint8Array(await first.arrayBuffer());
    h.clock.t += 1; // a rebuild would carry a new issuedAt, so equal bytes mean a cache hit
    for (const since of [live.seq + 1001, live.seq + 987_654, 0, old.seq]) {
      const { env: counted, calls } = countingEnv();
      const again = await h.call('GET', `/v1/revocations?since=${since}`, { env: counted });
      expect(new Uint8Array(await again.arrayBuffer()), `since=${since}`).toEqual(bytes);
      // Above the head needs no D1 read at all; older than the first live entry needs one indexed read.
      expect(calls(), `since=${since}`).toBeLessThanOrEqual(since === old.seq ? 1 : 0);
    }
  });
});

/**
 * Downgrades written straight into the feed tables (as a busy day would leave them): for each, a
 * revocations row and a uniformly random index in every window the first real downgrade listed.
 */
async function insertDowngrades(count: number, at: number): Promise<void> {
  const domains = (await env.DB.prepare('select "window", domain from window_domains').all<{ window: number; domain: number }>()).results;
  const firstSeq = (await headSeq()) + 1;
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < count; i += 25) {
    const n = Math.min(25, count - i);
    statements.push(
      env.DB.prepare(`insert into revocations (seq, revoked_before, created_at) values ${Array(n).fill('(?, ?, ?)').join(', ')}`).bind(
        ...Array.from({ length: n }, (_, j) => [firstSeq + i + j, at, at]).flat(),
      ),
    );
  }
  const rows: number[][] = [];
  for (const { window, domain } of domains) {
    if (window < windowOf(at - 86400 - 300) || window > windowOf(at)) continue;
    const taken = new Set<number>();
    for (let i = 0; i < count; i++) {
      let index: number;
      do index = crypto.getRandomValues(new Uint32Array(1))[0]! % domain;
      while (taken.has(index));
      taken.add(index);
      rows.push([window, 0, index, firstSeq + i]);
    }
  }
  for (let i = 0; i < rows.length; i += 25) {
    const part = rows.slice(i, i + 25);
    statements.push(
      env.DB.prepare(
        `insert or ignore into window_revocations ("window", epoch, idx, seq) values ${part.map(() => '(?, ?, ?, ?)').join(', ')}`,
      ).bind(...part.flat()),
    );
  }
  await env.DB.batch(statements);
}

describe('feed size targets (docs/feed-privacy.md goal 5)', () => {
  it('keeps a snapshot under 10 bytes per downgraded holder, all live windows included, and a delta of 100 downgrades under 2 KB', async () => {
    const h = harness(T0 + 120 * DAY);
    await downgraded(h); // fixes the live windows' domains
    await insertDowngrades(2000, h.clock.t);
    h.clock.t += 60;
    const snapshot = await fetchFeed(h, 0);
    const holders = 2001;
    const perHolder = snapshot.bytes.length / holders;
    expect(snapshot.feed.pieces.reduce((n, p) => n + p.indices.length, 0)).toBeGreaterThanOrEqual(5 * holders);
    expect(perHolder).toBeLessThan(10);
    await insertDowngrades(100, h.clock.t);
    h.clock.t += 5; // the rows went straight into D1: wait out the head cache
    const delta = await fetchFeed(h, snapshot.feed.toSeq);
    expect(delta.feed.kind).toBe('delta');
    expect(delta.feed.toSeq - delta.feed.fromSeq).toBe(100);
    expect(delta.feed.pieces.reduce((n, p) => n + p.indices.length, 0)).toBeGreaterThanOrEqual(500);
    expect(delta.bytes.length).toBeLessThan(2048);
    console.log(
      `feed sizes: snapshot ${snapshot.bytes.length} B for ${holders} downgraded holders (${perHolder.toFixed(2)} B/holder, ${snapshot.feed.pieces.length} pieces); delta of 100 downgrades ${delta.bytes.length} B`,
    );
  });
});

describe('copying feed entries from a holder database', () => {
  it('copies a page of entries across statement boundaries (25 entries, 24 indices a statement), each index under its own entry', async () => {
    const home = openDb(env.DB);
    const rows = Array.from({ length: 30 }, (_, i) => ({
      seq: 1000 + i,
      revokedBefore: T0 + i,
      createdAt: T0,
      references: Array.from({ length: 6 }, (_, w) => ({ window: 91_000 + w, epoch: 0, index: i })),
    }));
    const { statements, entries } = feedEntryStatements(home, 'DB_PAGE', rows);
    const outcome = await home.$client.batch(statements);
    expect(entries.reduce((n, i) => n + (outcome[i]!.meta.changes ?? 0), 0)).toBe(30);
    const joined = await env.DB.prepare(
      `select w.idx as idx, r.origin_seq as originSeq from window_revocations w join revocations r on r.seq = w.seq where w."window" between 91000 and 91005`,
    ).all<{ idx: number; originSeq: number }>();
    expect(joined.results).toHaveLength(180);
    expect(joined.results.every((r) => r.originSeq === 1000 + r.idx)).toBe(true);
  });

  it('brings the window indices with the entry, under its seq, once however often it is copied', async () => {
    const home = openDb(env.DB);
    const references = [
      { window: 90_001, epoch: 0, index: 11 },
      { window: 90_002, epoch: 1, index: 22 },
    ];
    const row = { seq: 777, revokedBefore: T0 + 5, createdAt: T0, references };
    await home.$client.batch(feedEntryStatements(home, 'DB_TEST', [row]).statements);
    await home.$client.batch(feedEntryStatements(home, 'DB_TEST', [row]).statements); // a retried copy
    const entry = await env.DB.prepare("select seq from revocations where origin = 'DB_TEST' and origin_seq = 777").all<{ seq: number }>();
    expect(entry.results).toHaveLength(1);
    const indices = await env.DB.prepare(
      'select "window", epoch, idx, seq from window_revocations where "window" in (90001, 90002) order by 1',
    ).all();
    expect(indices.results).toEqual([
      { window: 90_001, epoch: 0, idx: 11, seq: entry.results[0]!.seq },
      { window: 90_002, epoch: 1, idx: 22, seq: entry.results[0]!.seq },
    ]);
  });
});

describe('the feed’s queries are index ranges', () => {
  const plan = async (query: { toSQL(): { sql: string; params: unknown[] } }) => {
    const { sql, params } = query.toSQL();
    const rows = await env.DB.prepare(`explain query plan ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    return rows.results.map((r) => r.detail);
  };

  it('reads a snapshot page as a range of the primary key, in index order, with no sort and no scan', async () => {
    const details = await plan(piecePageQuery(openDb(env.DB), 82_000, 0, 4999, 10_000, 5000));
    expect(details.filter((d) => d.startsWith('SCAN') || d.includes('TEMP B-TREE'))).toEqual([]);
    expect(details.some((d) => /USING PRIMARY KEY \(window=\? AND epoch=\? AND idx>\?\)/.test(d))).toBe(true);
  });

  it('reads a delta as a range of the seq index', async () => {
    const details = await plan(deltaRowsQuery(openDb(env.DB), 10, 20, 50_000));
    expect(details.filter((d) => d.startsWith('SCAN') || d.includes('TEMP B-TREE'))).toEqual([]);
    expect(details.some((d) => /USING (COVERING )?INDEX window_revocations_seq_idx \(seq>\? AND seq<\?\)/.test(d))).toBe(true);
  });
});
