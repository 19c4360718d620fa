// The verifier's side of one-way revocation and honest freshness (docs/revocation-feed.md
// "Issuer restore" and "Freshness", docs/trust-list.md "Revocation is one-way"): with real
// signatures, a memory store and a scripted server.
import { beforeEach, describe, expect, test } from 'vitest';
import {
  isWindowIndexRevoked,
  type RevocationFeed,
  type StatusPiece,
  signRevocationFeed,
  signTrustList,
  type TrustList,
  windowOf,
} from '../../../src/index.ts';
import { createTestIssuer, signTestToken, type TestIssuer } from '../../../verifier-web/scripts/issuer-fixtures.ts';
import { checkCode } from '../../../verifier-web/src/check-code.ts';
import { assessFreshness } from '../../../verifier-web/src/freshness.ts';
import { createMemoryStore, type KeyValueStore } from '../../../verifier-web/src/storage/kv.ts';
import type { Fetcher } from '../../../verifier-web/src/sync/http.ts';
import { loadRevocations, type StoredRevocations, syncRevocations } from '../../../verifier-web/src/sync/revocation-sync.ts';
import { loadTrustList, syncTrustList } from '../../../verifier-web/src/sync/trust-list-sync.ts';

const NOW = 1_800_000_000;
const BASE = 'http://127.0.0.1:1';
const DAY = 86400;
/** The issuance window of tokens issued two hours before NOW, and a piece of it. */
const W = windowOf(NOW - 7200);
const piece = (indices: number[]): StatusPiece => ({ window: W, epoch: 0, domain: 1_000_000, indices: Uint32Array.from(indices) });

/** One scripted answer per request, in order; records each request's URL and If-None-Match. */
function server(...answers: { status: number; body?: Uint8Array; etag?: string }[]) {
  const requests: { url: string; ifNoneMatch?: string; cache?: RequestCache }[] = [];
  const fetcher: Fetcher = async (url, init) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    requests.push({ url, ifNoneMatch: headers['if-none-match'], cache: init?.cache });
    const a = answers.shift() ?? { status: 500 };
    return new Response(a.status === 304 ? null : (a.body as Uint8Array<ArrayBuffer>), {
      status: a.status,
      headers: a.etag ? { etag: a.etag } : {},
    });
  };
  return { fetcher, requests };
}

let issuer: TestIssuer;
let store: KeyValueStore;
let list: TrustList;

beforeEach(async () => {
  issuer = await createTestIssuer(NOW);
  store = createMemoryStore();
  list = listWith('active', 1);
});

function listWith(state: 'active' | 'revoked', version: number, maxTokenLifetime?: number): TrustList {
  return {
    version,
    issuedAt: NOW - 3600 + version,
    nextUpdate: NOW + 7 * DAY,
    issuer: 'ZJ',
    keys: [{ kid: issuer.signing.kid, publicKey: issuer.signing.publicKey, state, validFrom: issuer.validFrom }],
    ...(maxTokenLifetime === undefined ? {} : { maxTokenLifetime }),
  };
}

function feed(overrides: Partial<RevocationFeed>): Promise<Uint8Array> {
  const f: RevocationFeed = {
    issuer: 'ZJ',
    kind: 'snapshot',
    fromSeq: 0,
    toSeq: 1,
    issuedAt: NOW,
    maxTokenLifetime: DAY,
    pieces: [],
    ...overrides,
  };
  return signRevocationFeed(f, issuer.signing);
}

async function hold(f: Uint8Array, now = NOW): Promise<StoredRevocations> {
  const r = await syncRevocations(
    { fetcher: server({ status: 200, body: f, etag: '"rv-x"' }).fetcher, store, now, baseUrl: BASE },
    list,
    undefined,
  );
  if (!r.ok) throw new Error(r.error);
  return r.stored;
}

describe('an issuer restore is noticed, and never un-revokes a holder', () => {
  test('a snapshot ending below the held sequence continues from it, keeps live held indices and warns', async () => {
    // The verifier is at sequence 10 and holds holder A's index (1111), downgraded an hour ago.
    const held = await hold(await feed({ toSeq: 10, issuedAt: NOW - 60, pieces: [piece([1111])] }));
    // The issuer was restored to sequence 6 and has since downgraded holder B (index 2222).
    const restoredSnapshot = await feed({ toSeq: 6, issuedAt: NOW, pieces: [piece([2222])] });
    const s = server({ status: 200, body: restoredSnapshot, etag: '"rv-6"' });
    const result = await syncRevocations({ fetcher: s.fetcher, store, now: NOW, baseUrl: BASE }, list, held);
    if (!result.ok) throw new Error(result.error);
    expect(result.stored.state.seq).toBe(6);
    expect(isWindowIndexRevoked(result.stored.state.sets, W, 0, 2222)).toBe(true);
    expect(isWindowIndexRevoked(result.stored.state.sets, W, 0, 1111)).toBe(true);
    expect(result.stored.restoredAt).toBe(NOW);
    const reloaded = await loadRevocations(store);
    expect(reloaded && [...reloaded.state.sets.get(W)!.get(0)!]).toEqual([1111, 2222]);

    // A's green token from before the downgrade stays revoked; so does B's.
    const verdictFor = async (windowIndex: number) => {
      const token = await signTestToken(issuer, NOW, { windowIndex, iat: NOW - 7200, exp: NOW + DAY - 7200 });
      return checkCode(token, { list, revoked: result.stored.state.sets }, NOW);
    };
    expect(await verdictFor(1111)).toMatchObject({ result: 'invalid', reason: 'token_revoked' });
    expect(await verdictFor(2222)).toMatchObject({ result: 'invalid', reason: 'token_revoked' });
    expect(await verdictFor(3333)).toMatchObject({ result: 'valid' });

    const freshness = assessFreshness({
      now: NOW + 60,
      list,
      revocationsSignedAt: result.stored.signedAt,
      restoredAt: result.stored.restoredAt,
      clockOffsetSeconds: 0,
      staleAfterSeconds: 12 * 3600,
      trustListMaxAgeSeconds: 30 * DAY,
    });
    expect(freshness.warnings).toContainEqual({ kind: 'issuer_restored', ageSeconds: 60 });
  });
});

describe('freshness comes from the feed’s signed issuedAt, not from when a response arrived', () => {
  const assess = (stored: StoredRevocations | undefined, now: number, staleAfterSeconds = 12 * 3600, l: TrustList = list) =>
    assessFreshness({
      now,
      list: l,
      revocationsSignedAt: stored?.signedAt,
      clockOffsetSeconds: 0,
      staleAfterSeconds,
      trustListMaxAgeSeconds: 30 * DAY,
    });

  test('a verified but two-day-old feed leaves the data two days old', async () => {
    const stored = await hold(await feed({ toSeq: 3, issuedAt: NOW - 2 * DAY }));
    expect(stored.signedAt).toBe(NOW - 2 * DAY);
    expect(assess(stored, NOW).warnings).toContainEqual({ kind: 'stale', ageSeconds: 2 * DAY });
  });

  test('a 304 does not make old data fresh, and is not even asked for once the held version is old', async () => {
    const stored = await hold(await feed({ toSeq: 3, issuedAt: NOW - 2 * 3600 }), NOW - 2 * 3600);
    const s = server({ status: 304 });
    const result = await syncRevocations({ fetcher: s.fetcher, store, now: NOW, baseUrl: BASE }, list, stored);
    // The held version was signed two hours ago: a conditional request could only get an unsigned
    // 304, and the browser's own cache must not answer with the old signed body either.
    expect(s.requests[0]!.ifNoneMatch).toBeUndefined();
    expect(s.requests[0]!.cache).toBe('no-store');
    expect(result.ok).toBe(false);
    expect((await loadRevocations(store))?.signedAt).toBe(NOW - 2 * 3600);
  });

  test('a 304 for a recently signed version keeps its signed time, not the arrival time', async () => {
    const stored = await hold(await feed({ toSeq: 3, issuedAt: NOW - 60 }));
    const s = server({ status: 304 });
    const result = await syncRevocations({ fetcher: s.fetcher, store, now: NOW + 300, baseUrl: BASE }, list, stored);
    expect(s.requests[0]!.ifNoneMatch).toBe('"rv-x"');
    expect(result.ok && result.stored.signedAt).toBe(NOW - 60);
  });

  test('the stale warning can never be set later than the token lifetime', async () => {
    const stored = await hold(await feed({ toSeq: 3, issuedAt: NOW - 25 * 3600 }));
    const capped = listWith('active', 1, DAY);
    // 336 h asked for; the trust list says tokens live 24 h, so 25 h old data is stale.
    expect(assess(stored, NOW, 336 * 3600, capped).warnings).toContainEqual({ kind: 'stale', ageSeconds: 25 * 3600 });
  });
});

describe('a key revocation seen once is never undone on this device', () => {
  async function syncList(l: TrustList, current: Awaited<ReturnType<typeof loadTrustList>>) {
    const bytes = await signTrustList(l, issuer.root);
    return syncTrustList(
      { fetcher: server({ status: 200, body: bytes }).fetcher, store, rootPublicKey: issuer.root.publicKey, now: NOW, baseUrl: BASE },
      current,
    );
  }

  test('a newer, authentic list that lists a revoked key as active again is refused', async () => {
    const v2 = await syncList(listWith('revoked', 2), undefined);
    if (!v2.ok) throw new Error(v2.error);
    const v3 = await syncList(listWith('active', 3), v2.holding);
    expect(v3).toMatchObject({ ok: false, error: 'trust list refused: unrevoked_key' });
    // Even with the list's cache gone, the revoked kid is still remembered on the device.
    await store.set('trust-list', undefined);
    const fresh = await syncList(listWith('active', 4), undefined);
    expect(fresh).toMatchObject({ ok: false, error: 'trust list refused: unrevoked_key' });
    const token = await signTestToken(issuer, NOW);
    const held = await loadTrustList(store, issuer.root.publicKey);
    expect(held).toBeUndefined();
    const verdict = await checkCode(token, { list: listWith('active', 4), revokedKids: v2.holding.revokedKids }, NOW);
    expect(verdict).toMatchObject({ result: 'invalid', reason: 'key_revoked' });
  });
});

describe('the trust list caps token lifetime', () => {
  test('a code valid for longer than the list allows is refused with lifetime_too_long', async () => {
    const capped = listWith('active', 1, DAY);
    const long = await signTestToken(issuer, NOW, { iat: NOW - 60, exp: NOW - 60 + 30 * DAY });
    expect(await checkCode(long, { list: capped }, NOW)).toMatchObject({ result: 'invalid', reason: 'lifetime_too_long' });
    const normal = await signTestToken(issuer, NOW, { iat: NOW - 60, exp: NOW - 60 + DAY });
    expect(await checkCode(normal, { list: capped }, NOW)).toMatchObject({ result: 'valid' });
  });
});
