// The PWA's trust-list and revocation sync, with real signatures, a memory store and a scripted
// server: what is kept, what is refused, and which conditional requests are sent.
import { beforeEach, describe, expect, test } from 'vitest';
import { createSigner, generateSeed, type RevocationFeed, signRevocationFeed } from '../../../src/index.ts';
import { createTestIssuer, signTestTrustList, type TestIssuer } from '../../../verifier-web/scripts/issuer-fixtures.ts';
import { createMemoryStore, type KeyValueStore } from '../../../verifier-web/src/storage/kv.ts';
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
  return { issuer: 'ZJ', kind: 'snapshot', fromSeq: 0, toSeq: 1, issuedAt: NOW, maxTokenLifetime: 86400, entries: [], ...overrides };
}

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
    const snapshot = await signRevocationFeed(feed({ toSeq: 7, entries: [{ sub: 'ABCDEFGH', revokedBefore: NOW - 10 }] }), issuer.signing);
    const first = scriptedServer({ '/v1/revocations': { status: 200, body: snapshot, etag: '"rv-7"' } });
    const synced = await syncRevocations({ fetcher: first.fetcher, store, now: NOW, baseUrl: BASE }, list, undefined);
    expect(first.requests[0]!.url).toBe(`${BASE}/v1/revocations?since=0`);
    expect(synced.ok && synced.stored.state.revoked.get('ABCDEFGH')).toBe(NOW - 10);

    const held = await loadRevocations(store);
    const second = scriptedServer({ '/v1/revocations': { status: 304 } });
    const confirmed = await syncRevocations({ fetcher: second.fetcher, store, now: NOW + 60, baseUrl: BASE }, list, held);
    expect(second.requests[0]).toEqual({ url: `${BASE}/v1/revocations?since=7`, ifNoneMatch: '"rv-7"' });
    // The 304 is unsigned: the held data is as current as its feed's signed time, no more.
    expect(confirmed.ok && confirmed.stored.signedAt).toBe(NOW);
  });

  test('a delta that leaves a gap is dropped and a snapshot is fetched instead, merged into what is held', async () => {
    const list = await listOf(issuer);
    const start = await signRevocationFeed(feed({ toSeq: 3, entries: [{ sub: 'CCCCCCCC', revokedBefore: NOW }] }), issuer.signing);
    const setup = scriptedServer({ '/v1/revocations': { status: 200, body: start } });
    const held = await syncRevocations({ fetcher: setup.fetcher, store, now: NOW, baseUrl: BASE }, list, undefined);
    if (!held.ok) throw new Error(held.error);
    const gapDelta = await signRevocationFeed(
      feed({ kind: 'delta', fromSeq: 10, toSeq: 12, entries: [{ sub: 'AAAAAAAA', revokedBefore: NOW }] }),
      issuer.signing,
    );
    const snapshot = await signRevocationFeed(feed({ toSeq: 12, entries: [{ sub: 'BBBBBBBB', revokedBefore: NOW }] }), issuer.signing);
    const server = scriptedServer({
      '/v1/revocations?since=3': { status: 200, body: gapDelta },
      '/v1/revocations?since=0': { status: 200, body: snapshot },
    });
    const result = await syncRevocations({ fetcher: server.fetcher, store, now: NOW, baseUrl: BASE }, list, held.stored);
    expect(server.requests.map((r) => r.url)).toEqual([`${BASE}/v1/revocations?since=3`, `${BASE}/v1/revocations?since=0`]);
    expect(result.ok && [...result.stored.state.revoked.keys()].sort()).toEqual(['BBBBBBBB', 'CCCCCCCC']);
  });

  test('a feed signed by a key outside the trust list is refused and changes nothing', async () => {
    const list = await listOf(issuer);
    const stranger = await createTestIssuer(NOW);
    const forged = await signRevocationFeed(feed({ entries: [{ sub: 'ABCDEFGH', revokedBefore: NOW }] }), stranger.signing);
    const server = scriptedServer({ '/v1/revocations': { status: 200, body: forged } });
    expect(await syncRevocations({ fetcher: server.fetcher, store, now: NOW, baseUrl: BASE }, list, undefined)).toMatchObject({
      ok: false,
      error: 'revocation feed refused: unknown_kid',
    });
    expect(await loadRevocations(store)).toBeUndefined();
  });
});
