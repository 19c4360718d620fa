import { describe, expect, it } from 'vitest';
import {
  applyRevocationFeed,
  type CborValue,
  decodeCbor,
  encodeCbor,
  encodeRevocationFeedPayload,
  encodeStatusPiece,
  isWindowIndexRevoked,
  oldestLiveWindow,
  parseTypedDocument,
  REVOCATION_FEED_CONTENT_TYPE,
  type RevocationFeed,
  type StatusPiece,
  signRevocationFeed,
  signToken,
  signTypedDocument,
  statusPiecesToCbor,
  verifyRevocationFeed,
  verifyToken,
  windowOf,
} from '../../src/index.ts';
import { greenClaims, newSigner, T0, trusted } from './helpers.ts';

const signer = await newSigner();
const keys = [trusted(signer)];
const W = windowOf(T0);
const DOMAIN = 1_000_000;
const piece = (window: number, epoch: number, indices: number[]): StatusPiece => ({
  window,
  epoch,
  domain: DOMAIN,
  indices: Uint32Array.from(indices),
});
const feed = (over: Partial<RevocationFeed> = {}): RevocationFeed => ({
  issuer: 'ZJ',
  kind: 'snapshot',
  fromSeq: 0,
  toSeq: 2,
  issuedAt: T0,
  maxTokenLifetime: 86400,
  pieces: [piece(W - 1, 0, [10, 4242]), piece(W, 0, [99]), piece(W, 1, [4242])],
  ...over,
});
const held = (sets: ReturnType<typeof applyRevocationFeed>) => {
  if (!sets.ok) throw new Error(sets.detail);
  return sets.state;
};
const listed = (state: { sets: ReadonlyMap<number, ReadonlyMap<number, Uint32Array>> }) =>
  [...state.sets].flatMap(([w, epochs]) => [...epochs].map(([e, indices]) => `${w - W}/${e}:${[...indices].join(',')}`)).sort();

/** Signs a payload map as the feed's issuer would, to build feeds the encoder refuses to make. */
const signPayload = (payload: Map<number, CborValue>) => signTypedDocument(REVOCATION_FEED_CONTENT_TYPE, encodeCbor(payload), signer);
const header = () =>
  new Map<number, CborValue>([
    [1, 'ZJ'],
    [2, 0],
    [3, 0],
    [4, 2],
    [5, T0],
    [6, 86400],
  ]);

describe('revocation feed', () => {
  it('round-trips a signed snapshot', async () => {
    const bytes = await signRevocationFeed(feed(), signer);
    const result = await verifyRevocationFeed(bytes, { keys, now: T0 });
    expect(result).toMatchObject({ ok: true, feed: feed() });
  });

  it('carries the pieces as field 9, exactly as status-sets encodes them, and no fields 7 or 8', () => {
    const payload = decodeCbor(encodeRevocationFeedPayload(feed()), { maxDepth: 3, maxItems: 100, maxStringBytes: 100 });
    expect(payload).toBeInstanceOf(Map);
    const map = payload as Map<number, CborValue>;
    expect([...map.keys()]).toEqual([1, 2, 3, 4, 5, 6, 9]);
    expect(encodeCbor(map.get(9)!)).toEqual(encodeCbor(statusPiecesToCbor(feed().pieces.map(encodeStatusPiece))));
  });

  it('refuses a version 1 payload (baseTime and records, no pieces) and unknown fields with bad_format', async () => {
    const v1 = header();
    v1.set(7, T0);
    v1.set(8, new Uint8Array(8));
    expect(await verifyRevocationFeed(await signPayload(v1), { keys, now: T0 })).toMatchObject({ ok: false, reason: 'bad_format' });
    const extra = header();
    extra.set(9, []);
    expect(await verifyRevocationFeed(await signPayload(extra), { keys, now: T0 })).toMatchObject({ ok: true });
    extra.set(10, 0);
    expect(await verifyRevocationFeed(await signPayload(extra), { keys, now: T0 })).toMatchObject({ ok: false, reason: 'bad_format' });
  });

  it('refuses hostile pieces inside a properly signed feed with bad_status_set', async () => {
    const coded = encodeStatusPiece(piece(W, 0, [1, 2, 3]));
    const asCbor = (p: typeof coded) => [p.window, p.epoch, p.domain, p.count, p.riceBits, p.bits];
    for (const pieces of [
      [asCbor({ ...coded, count: 4 })],
      [asCbor({ ...coded, epoch: 16 })],
      [asCbor(coded), asCbor(coded)],
      [[W, 0, DOMAIN]],
      'not an array',
    ] as CborValue[]) {
      const payload = header();
      payload.set(9, pieces);
      const result = await verifyRevocationFeed(await signPayload(payload), { keys, now: T0 });
      expect(result).toMatchObject({ ok: false, reason: 'bad_status_set' });
    }
  });

  it('keeps a 100-downgrade delta (500 indices over 5 windows of a million) under 2 KB', async () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % DOMAIN;
    };
    const pieces = [0, 1, 2, 3, 4].map((i) =>
      piece(
        W - 4 + i,
        0,
        [...new Set(Array.from({ length: 100 }, next))].sort((a, b) => a - b),
      ),
    );
    const signed = await signRevocationFeed(feed({ kind: 'delta', fromSeq: 500, toSeq: 600, pieces }), signer);
    expect(signed.length).toBeLessThan(2048);
  });

  it('refuses to encode pieces out of (window, epoch) order', () => {
    expect(() => encodeRevocationFeedPayload(feed({ pieces: [piece(W, 0, [1]), piece(W - 1, 0, [1])] }))).toThrow(/order/);
    expect(() => encodeRevocationFeedPayload(feed({ pieces: [piece(W, 1, [1]), piece(W, 1, [2])] }))).toThrow(/order/);
  });

  it('rejects a feed signed by an untrusted or revoked key, or altered in any byte', async () => {
    const bytes = await signRevocationFeed(feed(), signer);
    const stranger = await newSigner();
    expect(await verifyRevocationFeed(await signRevocationFeed(feed(), stranger), { keys, now: T0 })).toMatchObject({
      ok: false,
      reason: 'unknown_kid',
    });
    expect(await verifyRevocationFeed(bytes, { keys: [trusted(signer, { state: 'revoked' })], now: T0 })).toMatchObject({
      ok: false,
      reason: 'key_revoked',
    });
    for (let i = 0; i < bytes.length; i++) {
      const altered = bytes.slice();
      altered[i]! ^= 0x01;
      expect((await verifyRevocationFeed(altered, { keys, now: T0 })).ok, `byte ${i}`).toBe(false);
    }
  });

  it("refuses a feed issued outside its key's window or in the device's future", async () => {
    const bytes = await signRevocationFeed(feed(), signer);
    expect(await verifyRevocationFeed(bytes, { keys: [trusted(signer, { validFrom: T0 + 1 })], now: T0 })).toMatchObject({
      ok: false,
      reason: 'key_not_valid_at_iat',
    });
    expect(await verifyRevocationFeed(bytes, { keys, now: T0 - 3600 })).toMatchObject({ ok: false, reason: 'not_yet_valid' });
  });

  it('cannot be replayed as a token even though the same key signs both', async () => {
    const bytes = await signRevocationFeed(feed(), signer);
    const { encodeBase45, TOKEN_PREFIX } = await import('../../src/index.ts');
    expect(await verifyToken(TOKEN_PREFIX + encodeBase45(bytes), { keys, now: T0 })).toMatchObject({ ok: false, reason: 'bad_header' });
    expect(parseTypedDocument(bytes, { maxDepth: 3, maxItems: 100, maxStringBytes: 1000 }, REVOCATION_FEED_CONTENT_TYPE).ok).toBe(true);
  });

  it('applies a snapshot, then deltas, as the union per (window, epoch)', () => {
    const s1 = held(applyRevocationFeed(undefined, feed(), T0));
    expect(s1.seq).toBe(2);
    expect(listed(s1)).toEqual(['-1/0:10,4242', '0/0:99', '0/1:4242']);
    const s2 = held(
      applyRevocationFeed(
        s1,
        feed({ kind: 'delta', fromSeq: 2, toSeq: 3, pieces: [piece(W - 1, 0, [5, 4242]), piece(W, 2, [8])] }),
        T0 + 20,
      ),
    );
    expect(listed(s2)).toEqual(['-1/0:5,10,4242', '0/0:99', '0/1:4242', '0/2:8']);
    expect(s2.seq).toBe(3);
    // The original state is untouched: apply is pure.
    expect(listed(s1)).toEqual(['-1/0:10,4242', '0/0:99', '0/1:4242']);
  });

  it('asks for a snapshot when a delta leaves a gap, and ignores an older delta', () => {
    const s1 = held(applyRevocationFeed(undefined, feed(), T0));
    expect(applyRevocationFeed(s1, feed({ kind: 'delta', fromSeq: 5, toSeq: 6, pieces: [] }), T0)).toMatchObject({
      ok: false,
      reason: 'gap',
    });
    expect(applyRevocationFeed(undefined, feed({ kind: 'delta', fromSeq: 1, toSeq: 2 }), T0)).toMatchObject({ ok: false, reason: 'gap' });
    expect(applyRevocationFeed(s1, feed({ kind: 'delta', fromSeq: 0, toSeq: 1, pieces: [] }), T0)).toMatchObject({
      ok: true,
      changed: false,
    });
    expect(applyRevocationFeed(s1, feed({ issuer: 'XX' }), T0)).toMatchObject({ ok: false, reason: 'issuer_mismatch' });
  });

  it('treats a snapshot ending below the held sequence as an issuer restore, keeping live held sets', () => {
    const before = held(applyRevocationFeed(undefined, feed({ toSeq: 10 }), T0));
    const restore = feed({ toSeq: 6, issuedAt: T0 + 60, pieces: [piece(W, 0, [7])] });
    const result = applyRevocationFeed(before, restore, T0 + 60);
    expect(result).toMatchObject({ ok: true, changed: true, restored: true });
    const after = held(result);
    expect(after.seq).toBe(6);
    expect(listed(after)).toEqual(['-1/0:10,4242', '0/0:7,99', '0/1:4242']);
    // A snapshot at or above the held sequence is no restore.
    expect(applyRevocationFeed(before, feed({ toSeq: 10, pieces: [] }), T0)).toMatchObject({ ok: true, restored: false });
  });

  it('never lets a snapshot drop a held index that can still revoke a live token', () => {
    const before = held(applyRevocationFeed(undefined, feed({ toSeq: 2 }), T0));
    // An issuer only prunes windows that left the feed; a live index missing from a later snapshot was lost.
    const later = held(applyRevocationFeed(before, feed({ toSeq: 9, pieces: [piece(W, 0, [1])] }), T0));
    expect(listed(later)).toEqual(['-1/0:10,4242', '0/0:1,99', '0/1:4242']);
  });

  it('drops windows whose tokens have all expired, at oldestLiveWindow(now, maxTokenLifetime, skew)', () => {
    // A token of window W-1 issued in its last second expires at T0 - 1 + 86400 and is accepted
    // while now - 300 < exp; the window is kept a second longer than that, then dropped.
    const lastUseful = T0 + 86400 + 300 - 1;
    expect(oldestLiveWindow(lastUseful, 86400, 300)).toBe(W - 1);
    expect(listed(held(applyRevocationFeed(undefined, feed(), lastUseful)))).toContain('-1/0:10,4242');
    expect(listed(held(applyRevocationFeed(undefined, feed(), lastUseful + 1)))).toEqual(['0/0:99', '0/1:4242']);
    // Held windows are dropped too when a later feed is applied.
    const s1 = held(applyRevocationFeed(undefined, feed(), T0));
    const s2 = held(applyRevocationFeed(s1, feed({ kind: 'delta', fromSeq: 2, toSeq: 3, pieces: [] }), lastUseful + 1));
    expect(listed(s2)).toEqual(['0/0:99', '0/1:4242']);
  });

  it('revokes tokens through verifyToken once applied, by window and epoch', async () => {
    const state = held(applyRevocationFeed(undefined, feed(), T0));
    const ctx = { keys, now: T0 + 60, revocations: state.sets };
    const inW = (windowIndex: number, revocationEpoch?: number) =>
      signToken(greenClaims({ windowIndex, ...(revocationEpoch === undefined ? {} : { revocationEpoch }) }), signer);
    expect(await verifyToken((await inW(99)).text, ctx)).toMatchObject({ ok: false, reason: 'token_revoked' });
    expect(await verifyToken((await inW(4242, 1)).text, ctx)).toMatchObject({ ok: false, reason: 'token_revoked' });
    expect(await verifyToken((await inW(4242)).text, ctx)).toMatchObject({ ok: true });
    expect(await verifyToken((await inW(99, 2)).text, ctx)).toMatchObject({ ok: true });
    const previousWindow = (await signToken(greenClaims({ iat: T0 - 600, windowIndex: 4242 }), signer)).text;
    expect(await verifyToken(previousWindow, ctx)).toMatchObject({ ok: false, reason: 'token_revoked' });
    expect(isWindowIndexRevoked(state.sets, W - 1, 0, 10)).toBe(true);
  });
});
