// GET /v1/revocations: the signed feed, snapshots and deltas, HTTP caching, and the size targets.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { generateSubId } from '../../src/index.ts';
import { openDb } from '../../worker/db/client.ts';
import { chooseFeed } from '../../worker/feed/build.ts';
import { DAY, REVOCATION_MARGIN, T0 } from './fixtures.ts';
import { countingEnv, enrol, fetchFeed, type Harness, harness, holderDatabase, setStatus } from './helpers.ts';

async function downgraded(h: Harness) {
  const holder = await enrol(h);
  h.clock.t += 1;
  expect((await setStatus(h, holder.holderId, 'red')).status).toBe(200);
  const row = await holderDatabase(holder.holderId)
    .prepare('select sub from holders where id = ?')
    .bind(holder.holderId)
    .first<{ sub: string }>();
  const seq = await env.DB.prepare('select max(seq) as seq from revocations').first<{ seq: number }>();
  return { ...holder, sub: row!.sub, seq: seq!.seq, revokedBefore: h.clock.t + REVOCATION_MARGIN };
}

/** Inserts revocation rows directly, many per statement (as a busy day of downgrades would). */
async function insertRevocations(entries: { sub: string; revokedBefore: number }[]): Promise<void> {
  const statements = [];
  for (let i = 0; i < entries.length; i += 25) {
    const part = entries.slice(i, i + 25);
    statements.push(
      env.DB.prepare(`insert into revocations (sub, revoked_before, created_at) values ${part.map(() => '(?, ?, ?)').join(', ')}`).bind(
        ...part.flatMap((e) => [e.sub, e.revokedBefore, e.revokedBefore]),
      ),
    );
  }
  await env.DB.batch(statements);
}

describe('the revocation feed', () => {
  it('serves a signed snapshot for since=0 with the latest revokedBefore per holder', async () => {
    const h = harness();
    const a = await downgraded(h);
    h.clock.t += 10;
    await setStatus(h, a.holderId, 'green');
    h.clock.t += 10;
    await setStatus(h, a.holderId, 'yellow'); // a second downgrade of the same holder
    const { feed, res } = await fetchFeed(h, 0);
    expect(feed).toMatchObject({
      issuer: env.ISSUER,
      kind: 'snapshot',
      fromSeq: 0,
      toSeq: a.seq + 1,
      maxTokenLifetime: 86400,
      issuedAt: h.clock.t,
    });
    expect(feed.entries.filter((e) => e.sub === a.sub)).toEqual([{ sub: a.sub, revokedBefore: a.revokedBefore + 20 }]);
    expect(res.headers.get('content-type')).toBe('application/cose');
    expect(res.headers.get('etag')).toBe(`"rv-${a.seq + 1}"`);
    expect(res.headers.get('cache-control')).toBe('public, max-age=30, stale-while-revalidate=60');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves a delta of only the entries after since', async () => {
    const h = harness();
    const a = await downgraded(h);
    const b = await downgraded(h);
    const { feed } = await fetchFeed(h, a.seq);
    expect(feed).toMatchObject({ kind: 'delta', fromSeq: a.seq, toSeq: b.seq, entries: [{ sub: b.sub, revokedBefore: b.revokedBefore }] });
    const atHead = await fetchFeed(h, b.seq);
    expect(atHead.feed).toMatchObject({ kind: 'delta', fromSeq: b.seq, toSeq: b.seq, entries: [] });
  });

  it('answers with a snapshot when since is ahead of the head, or older than every live entry', async () => {
    const h = harness();
    const old = await downgraded(h);
    h.clock.t += 2 * DAY; // `old` can now only revoke expired tokens
    const live = await downgraded(h);
    expect((await fetchFeed(h, live.seq + 100)).feed.kind).toBe('snapshot');
    const stale = await fetchFeed(h, old.seq - 1);
    expect(stale.feed.kind).toBe('snapshot');
    expect(stale.feed.entries.map((e) => e.sub)).not.toContain(old.sub);
    expect(stale.feed.entries.map((e) => e.sub)).toContain(live.sub);
    // From just before the first live entry, a delta is as small as a snapshot and keeps state.
    expect((await fetchFeed(h, live.seq - 1)).feed.kind).toBe('delta');
  });

  it('keeps an entry in snapshots for a token lifetime plus the verifiers’ 300 s clock tolerance, then drops it', async () => {
    const h = harness();
    const a = await downgraded(h);
    // A token issued at revokedBefore is accepted until iat + lifetime + 300 s by a verifier.
    h.clock.t = a.revokedBefore + 86400 + 299;
    expect((await fetchFeed(h, 0)).feed.entries.map((e) => e.sub)).toContain(a.sub);
    h.clock.t = a.revokedBefore + 86400 + 301;
    expect((await fetchFeed(h, 0)).feed.entries.map((e) => e.sub)).not.toContain(a.sub);
  });

  it('pages a long delta: toSeq is the last entry included and the next poll continues from it', async () => {
    const h = harness();
    const first = await downgraded(h);
    const rest = [await downgraded(h), await downgraded(h)];
    const request = { issuer: 'ZJ', maxTokenLifetime: 86400, now: h.clock.t, head: rest[1]!.seq, maxDeltaEntries: 1 };
    const page1 = await chooseFeed(openDb(env.DB), { ...request, since: first.seq });
    expect(page1).toMatchObject({ kind: 'delta', fromSeq: first.seq, toSeq: rest[0]!.seq, entries: [{ sub: rest[0]!.sub }] });
    const page2 = await chooseFeed(openDb(env.DB), { ...request, since: page1.toSeq });
    expect(page2).toMatchObject({ kind: 'delta', fromSeq: rest[0]!.seq, toSeq: rest[1]!.seq, entries: [{ sub: rest[1]!.sub }] });
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

describe('feed size targets (docs/revocation-feed.md)', () => {
  it('keeps a snapshot under 10 bytes per live entry and a delta of 100 entries under 2 KB', async () => {
    const h = harness();
    const a = await downgraded(h);
    const entries = Array.from({ length: 2000 }, (_, i) => ({ sub: generateSubId(), revokedBefore: h.clock.t - 3600 + i }));
    await insertRevocations(entries);
    h.clock.t += 60;
    const snapshot = await fetchFeed(h, 0);
    const live = snapshot.feed.entries.length;
    expect(live).toBeGreaterThanOrEqual(2001);
    const perEntry = snapshot.bytes.length / live;
    expect(perEntry).toBeLessThan(10);
    await insertRevocations(entries.slice(0, 100).map((e) => ({ sub: generateSubId(), revokedBefore: e.revokedBefore + 10 })));
    const headAfterSnapshot = snapshot.feed.toSeq;
    h.clock.t += 5; // the rows went straight into D1: wait out the head cache
    const delta = await fetchFeed(h, headAfterSnapshot);
    expect(delta.feed.kind).toBe('delta');
    expect(delta.feed.entries).toHaveLength(100);
    expect(delta.bytes.length).toBeLessThan(2048);
    console.log(
      `feed sizes: snapshot ${snapshot.bytes.length} B for ${live} entries (${perEntry.toFixed(2)} B/entry); delta of 100 entries ${delta.bytes.length} B`,
    );
    expect(a.seq).toBeGreaterThan(0);
  });
});
