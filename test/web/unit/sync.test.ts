// The PWA's trust-list and revocation sync, with real signatures, a memory store and a scripted
// server: what is kept, what is refused, and which conditional requests are sent.
import { beforeEach, describe, expect, test } from 'vitest';
import {
  type CborValue,
  createSigner,
  encodeCbor,
  generateSeed,
  REVOCATION_FEED_CONTENT_TYPE,
  type RevocationFeed,
  type StatusPiece,
  signRevocationFeed,
  signTypedDocument,
  type WindowStatusSets,
  windowOf,
} from '../../../src/index.ts';
import { createTestIssuer, signTestTrustList, type TestIssuer } from '../../../verifier-web/scripts/issuer-fixtures.ts';
import { createMemoryStore, type KeyValueStore } from '../../../verifier-web/src/storage/kv.ts';
import { REVOCATIONS_KEY, setKey } from '../../../verifier-web/src/storage/revocation-store.ts';
import type { Fetcher } from '../../../verifier-web/src/sync/http.ts';
import { loadRevocations, syncRevocations } from '../../../verifier-web/src/sync/revocation-sync.ts';
import { loadTrustList, syncTrustList, TRUST_LIST_KEY } from '../../../verifier-web/src/sync/trust-list-sync.ts';

const NOW = 1_800_000_000;
const BASE = 'http://127.0.0.1:1';

interface Answer {
  status: number;
  body?: Uint8Array;
  etag?: string;
}

/** A scripted server: answers by path prefix and records every request's URL and If-None-Match. */
function scriptedServer(answers: Record<string, Answer | ((url: string) => Answer)>) {
  const requests: { url: string; ifNoneMatch?: string }[] = [];
  const fetcher: Fetcher = async (url, init) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    requests.push({ url, ifNoneMatch: headers['if-none-match'] });
    const path = url.slice(BASE.length);
    const match = Object.keys(answers).find((p) => path.startsWith(p));
    if (!match) return new Response(null, { status: 404 });
    const a = answers[match]!;
    const answer = typeof a === 'function' ? a(path) : a;
    const responseHeaders: Record<string, string> = { date: new Date(NOW * 1000).toUTCString() };
    if (answer.etag) responseHeaders.etag = answer.etag;
    return new Response(answer.status === 304 ? null : (answer.body as Uint8Array<ArrayBuffer>), {
      status: answer.status,
      headers: responseHeaders,
    });
  };
  return { fetcher, requests };
}

let issuer: TestIssuer;
let store: KeyValueStore;

beforeEach(async () => {
  issuer = await createTestIssuer(NOW);
  store = createMemoryStore();
});

function feed(overrides: Partial<RevocationFeed>): RevocationFeed {
  return { issuer: 'ZJ', kind: 'snapshot', fromSeq: 0, toSeq: 1, issuedAt: NOW, maxTokenLifetime: 86400, pieces: [], ...overrides };
}

/** The window of NOW, and a piece of window W + offset. */
const W = windowOf(NOW);
const piece = (offset: number, epoch: number, indices: number[]): StatusPiece => ({
  window: W + offset,
  epoch,
  domain: 1_000_000,
  indices: Uint32Array.from(indices),
});
/** Held sets as 'window offset/epoch:indices', to compare at a glance. */
const listed = (sets: WindowStatusSets | undefined) =>
  [...(sets ?? [])].flatMap(([w, epochs]) => [...epochs].map(([e, indices]) => `${w - W}/${e}:${[...indices].join(',')}`)).sort();

describe('trust list sync', () => {
  test('keeps a list that verifies against the pinned root and re-verifies it when loaded', async () => {
    const { fetcher } = scriptedServer({
      '/v1/trust-list': { status: 200, body: await signTestTrustList(issuer, NOW, 2), etag: '"tl-2"' },
    });
    const synced = await syncTrustList({ fetcher, store, rootPublicKey: issuer.root.publicKey, now: NOW, baseUrl: BASE }, undefined);
    expect(synced.ok && synced.holding.list.version).toBe(2);
    expect((await loadTrustList(store, issuer.root.publicKey))?.list.version).toBe(2);
    // Pinned to another root, the same stored bytes are worth nothing.
    const other = await createSigner(generateSeed());
    expect(await loadTrustList(store, other.publicKey)).toBeUndefined();
  });

  test('a list signed by another root never replaces the good one', async () => {
    const good = await signTestTrustList(issuer, NOW, 1);
    const first = scriptedServer({ '/v1/trust-list': { status: 200, body: good } });
    const held = await syncTrustList(
      { fetcher: first.fetcher, store, rootPublicKey: issuer.root.publicKey, now: NOW, baseUrl: BASE },
      undefined,
    );
    if (!held.ok) throw new Error(held.error);
    const impostor = await createTestIssuer(NOW);
    const second = scriptedServer({ '/v1/trust-list': { status: 200, body: await signTestTrustList(impostor, NOW, 9) } });
    const refused = await syncTrustList(
      { fetcher: second.fetcher, store, rootPublicKey: issuer.root.publicKey, now: NOW + 60, baseUrl: BASE },
      held.holding,
    );
    expect(refused).toMatchObject({ ok: false, error: 'trust list refused: wrong_root' });
    expect((await loadTrustList(store, issuer.root.publicKey))?.list.version).toBe(1);
  });

  test('an older version than the one held is refused as a rollback', async () => {
    const server = scriptedServer({ '/v1/trust-list': { status: 200, body: await signTestTrustList(issuer, NOW, 5) } });
    const held = await syncTrustList(
      { fetcher: server.fetcher, store, rootPublicKey: issuer.root.publicKey, now: NOW, baseUrl: BASE },
      undefined,
    );
    if (!held.ok) throw new Error(held.error);
    const older = scriptedServer({ '/v1/trust-list': { status: 200, body: await signTestTrustList(issuer, NOW, 4) } });
    const result = await syncTrustList(
      { fetcher: older.fetcher, store, rootPublicKey: issuer.root.publicKey, now: NOW, baseUrl: BASE },
      held.holding,
    );
    expect(result).toMatchObject({ ok: false, error: 'trust list refused: rollback' });
  });

  test('sends the last ETag and treats 304 as confirmed, keeping the list', async () => {
    const first = scriptedServer({ '/v1/trust-list': { status: 200, body: await signTestTrustList(issuer, NOW), etag: '"tl-1"' } });
    const held = await syncTrustList(
      { fetcher: first.fetcher, store, rootPublicKey: issuer.root.publicKey, now: NOW, baseUrl: BASE },
      undefined,
    );
    if (!held.ok) throw new Error(held.error);
    const second = scriptedServer({ '/v1/trust-list': { status: 304 } });
    const confirmed = await syncTrustList(
      { fetcher: second.fetcher, store, rootPublicKey: issuer.root.publicKey, now: NOW + 500, baseUrl: BASE },
      held.holding,
    );
    expect(second.requests[0]!.ifNoneMatch).toBe('"tl-1"');
    expect(confirmed.ok && confirmed.changed).toBe(false);
    expect((await store.get<{ checkedAt: number }>(TRUST_LIST_KEY))?.checkedAt).toBe(NOW + 500);
  });
});

describe('revocation sync', () => {
  async function listOf(i: TestIssuer) {
    const r = await syncTrustList(
      {
        fetcher: scriptedServer({ '/v1/trust-list': { status: 200, body: await signTestTrustList(i, NOW) } }).fetcher,
        store,
        rootPublicKey: i.root.publicKey,
        now: NOW,
        baseUrl: BASE,
      },
      undefined,
    );
    if (!r.ok) throw new Error(r.error);
    return r.holding.list;
  }

  test('applies a signed snapshot, then asks for the delta after it with the last ETag', async () => {
    const list = await listOf(issuer);
    const snapshot = await signRevocationFeed(feed({ toSeq: 7, pieces: [piece(0, 0, [42])] }), issuer.signing);
    const first = scriptedServer({ '/v1/revocations': { status: 200, body: snapshot, etag: '"rv-7"' } });
    const synced = await syncRevocations({ fetcher: first.fetcher, store, now: NOW, baseUrl: BASE }, list, undefined);
    expect(first.requests[0]!.url).toBe(`${BASE}/v1/revocations?since=0`);
    expect(synced.ok && listed(synced.stored.state.sets)).toEqual(['0/0:42']);

    const held = await loadRevocations(store);
    const second = scriptedServer({ '/v1/revocations': { status: 304 } });
    const confirmed = await syncRevocations({ fetcher: second.fetcher, store, now: NOW + 60, baseUrl: BASE }, list, held);
    expect(second.requests[0]).toEqual({ url: `${BASE}/v1/revocations?since=7`, ifNoneMatch: '"rv-7"' });
    // The 304 is unsigned: the held data is as current as its feed's signed time, no more.
    expect(confirmed.ok && confirmed.stored.signedAt).toBe(NOW);
  });

  test('stores one sorted Uint32Array per (window, epoch); a delta rewrites only the sets it changes', async () => {
    const list = await listOf(issuer);
    const snapshot = await signRevocationFeed(
      feed({ toSeq: 5, pieces: [piece(-2, 0, [9, 3000]), piece(-1, 0, [7]), piece(0, 0, [42]), piece(0, 1, [5])] }),
      issuer.signing,
    );
    const first = await syncRevocations(
      { fetcher: scriptedServer({ '/v1/revocations': { status: 200, body: snapshot } }).fetcher, store, now: NOW, baseUrl: BASE },
      list,
      undefined,
    );
    if (!first.ok) throw new Error(first.error);
    expect(await store.get(setKey(W - 2, 0))).toEqual(Uint32Array.of(9, 3000));
    expect(await store.get(setKey(W, 1))).toEqual(Uint32Array.of(5));

    const writes: string[] = [];
    const write = store.write.bind(store);
    store.write = async (batch) => {
      writes.push(...(batch.set ?? []).map(([key]) => key), ...(batch.delete ?? []).map((key) => `-${key}`));
      return write(batch);
    };
    const delta = await signRevocationFeed(
      feed({ kind: 'delta', fromSeq: 5, toSeq: 6, pieces: [piece(0, 0, [1, 42, 99_999]), piece(0, 2, [8])] }),
      issuer.signing,
    );
    const second = await syncRevocations(
      { fetcher: scriptedServer({ '/v1/revocations': { status: 200, body: delta } }).fetcher, store, now: NOW + 60, baseUrl: BASE },
      list,
      first.stored,
    );
    if (!second.ok) throw new Error(second.error);
    expect(writes.sort()).toEqual([REVOCATIONS_KEY, setKey(W, 0), setKey(W, 2)].sort());
    const reloaded = await loadRevocations(store);
    expect(reloaded?.state.seq).toBe(6);
    expect(listed(reloaded?.state.sets)).toEqual(['-1/0:7', '-2/0:9,3000', '0/0:1,42,99999', '0/1:5', '0/2:8']);
  });

  test('windows whose tokens have all expired are dropped from the store as the next feed is applied', async () => {
    const list = await listOf(issuer);
    const snapshot = await signRevocationFeed(feed({ toSeq: 5, pieces: [piece(-4, 0, [1]), piece(0, 0, [2])] }), issuer.signing);
    const first = await syncRevocations(
      { fetcher: scriptedServer({ '/v1/revocations': { status: 200, body: snapshot } }).fetcher, store, now: NOW, baseUrl: BASE },
      list,
      undefined,
    );
    if (!first.ok) throw new Error(first.error);
    // A day and ten minutes later every token issued before NOW has expired, skew included:
    // windows before W go; W stays.
    const later = NOW + 86400 + 600;
    const empty = await signRevocationFeed(
      feed({ kind: 'delta', fromSeq: 5, toSeq: 6, issuedAt: later, pieces: [piece(4, 0, [3])] }),
      issuer.signing,
    );
    const second = await syncRevocations(
      { fetcher: scriptedServer({ '/v1/revocations': { status: 200, body: empty } }).fetcher, store, now: later, baseUrl: BASE },
      list,
      first.stored,
    );
    expect(second.ok).toBe(true);
    expect(await store.get(setKey(W - 4, 0))).toBeUndefined();
    expect(listed((await loadRevocations(store))?.state.sets)).toEqual(['0/0:2', '4/0:3']);
  });

  test('a hostile feed, properly signed, produces only a reason code and changes nothing held', async () => {
    const list = await listOf(issuer);
    const snapshot = await signRevocationFeed(feed({ toSeq: 5, pieces: [piece(0, 0, [42])] }), issuer.signing);
    const first = await syncRevocations(
      { fetcher: scriptedServer({ '/v1/revocations': { status: 200, body: snapshot } }).fetcher, store, now: NOW, baseUrl: BASE },
      list,
      undefined,
    );
    if (!first.ok) throw new Error(first.error);
    // A piece claiming 1000 indices in 2 bytes of bits.
    const payload = new Map<number, CborValue>([
      [1, 'ZJ'],
      [2, 1],
      [3, 5],
      [4, 9],
      [5, NOW],
      [6, 86400],
      [9, [[W, 0, 1_000_000, 1000, 10, Uint8Array.of(1, 2)]]],
    ]);
    const hostile = await signTypedDocument(REVOCATION_FEED_CONTENT_TYPE, encodeCbor(payload), issuer.signing);
    const result = await syncRevocations(
      { fetcher: scriptedServer({ '/v1/revocations': { status: 200, body: hostile } }).fetcher, store, now: NOW + 60, baseUrl: BASE },
      list,
      first.stored,
    );
    expect(result).toMatchObject({ ok: false, error: 'revocation feed refused: bad_status_set' });
    const held = await loadRevocations(store);
    expect(held?.state.seq).toBe(5);
    expect(listed(held?.state.sets)).toEqual(['0/0:42']);
  });

  test('a version 1 record is not read as revocations: the next sync asks for a snapshot', async () => {
    await store.set(REVOCATIONS_KEY, { state: { issuer: 'ZJ', seq: 9, revoked: new Map([['ABCDEFGH', NOW]]) }, signedAt: NOW });
    expect(await loadRevocations(store)).toBeUndefined();
  });

  test('a set the store lost keeps the others, and makes the data stale and the next sync a snapshot', async () => {
    const list = await listOf(issuer);
    const snapshot = await signRevocationFeed(feed({ toSeq: 5, pieces: [piece(-1, 0, [7]), piece(0, 0, [42])] }), issuer.signing);
    await syncRevocations(
      { fetcher: scriptedServer({ '/v1/revocations': { status: 200, body: snapshot } }).fetcher, store, now: NOW, baseUrl: BASE },
      list,
      undefined,
    );
    await store.delete(setKey(W - 1, 0));
    const held = await loadRevocations(store);
    expect(listed(held?.state.sets)).toEqual(['0/0:42']);
    expect(held).toMatchObject({ state: { seq: 0 }, signedAt: 0 });
  });

  test('a delta that leaves a gap is dropped and a snapshot is fetched instead, merged into what is held', async () => {
    const list = await listOf(issuer);
    const start = await signRevocationFeed(feed({ toSeq: 3, pieces: [piece(0, 0, [3])] }), issuer.signing);
    const setup = scriptedServer({ '/v1/revocations': { status: 200, body: start } });
    const held = await syncRevocations({ fetcher: setup.fetcher, store, now: NOW, baseUrl: BASE }, list, undefined);
    if (!held.ok) throw new Error(held.error);
    const gapDelta = await signRevocationFeed(feed({ kind: 'delta', fromSeq: 10, toSeq: 12, pieces: [piece(0, 0, [1])] }), issuer.signing);
    const snapshot = await signRevocationFeed(feed({ toSeq: 12, pieces: [piece(0, 0, [2])] }), issuer.signing);
    const server = scriptedServer({
      '/v1/revocations?since=3': { status: 200, body: gapDelta },
      '/v1/revocations?since=0': { status: 200, body: snapshot },
    });
    const result = await syncRevocations({ fetcher: server.fetcher, store, now: NOW, baseUrl: BASE }, list, held.stored);
    expect(server.requests.map((r) => r.url)).toEqual([`${BASE}/v1/revocations?since=3`, `${BASE}/v1/revocations?since=0`]);
    expect(result.ok && listed(result.stored.state.sets)).toEqual(['0/0:2,3']);
  });

  test('a feed signed by a key outside the trust list is refused and changes nothing', async () => {
    const list = await listOf(issuer);
    const stranger = await createTestIssuer(NOW);
    const forged = await signRevocationFeed(feed({ pieces: [piece(0, 0, [1])] }), stranger.signing);
    const server = scriptedServer({ '/v1/revocations': { status: 200, body: forged } });
    expect(await syncRevocations({ fetcher: server.fetcher, store, now: NOW, baseUrl: BASE }, list, undefined)).toMatchObject({
      ok: false,
      error: 'revocation feed refused: unknown_kid',
    });
    expect(await loadRevocations(store)).toBeUndefined();
  });
});
