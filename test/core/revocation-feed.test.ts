import { describe, expect, it } from 'vitest';
import {
  applyRevocationFeed,
  encodeRevocationFeedPayload,
  generateSubId,
  RECORD_BYTES,
  type RevocationFeed,
  signRevocationFeed,
  signToken,
  verifyRevocationFeed,
  verifyToken,
} from '../../src/index.ts';
import { greenClaims, newSigner, T0, trusted } from './helpers.ts';

const signer = await newSigner();
const keys = [trusted(signer)];
const feed = (over: Partial<RevocationFeed> = {}): RevocationFeed => ({
  issuer: 'ZJ',
  kind: 'snapshot',
  fromSeq: 0,
  toSeq: 2,
  issuedAt: T0,
  maxTokenLifetime: 86400,
  entries: [
    { sub: 'ABCDEFGH', revokedBefore: T0 - 100 },
    { sub: 'ZZZZ2345', revokedBefore: T0 - 50 },
  ],
  ...over,
});

describe('revocation feed', () => {
  it('round-trips a signed snapshot', async () => {
    const bytes = await signRevocationFeed(feed(), signer);
    const result = await verifyRevocationFeed(bytes, { keys, now: T0 });
    expect(result).toMatchObject({ ok: true, feed: feed() });
  });

  it('packs each entry into 8 bytes, so snapshots stay under 10 bytes per live entry', async () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => ({ sub: generateSubId(), revokedBefore: T0 - (i % 80000) }));
    const payload = encodeRevocationFeedPayload(feed({ toSeq: 10_000, entries }));
    expect(RECORD_BYTES).toBe(8);
    const signed = await signRevocationFeed(feed({ toSeq: 10_000, entries }), signer);
    expect(payload.length / entries.length).toBeLessThan(8.1);
    expect(signed.length / entries.length).toBeLessThan(10);
  });

  it('keeps a 100-entry delta under 2 KB', async () => {
    const entries = Array.from({ length: 100 }, () => ({ sub: generateSubId(), revokedBefore: T0 - 10 }));
    const signed = await signRevocationFeed(feed({ kind: 'delta', fromSeq: 500, toSeq: 600, entries }), signer);
    expect(signed.length).toBeLessThan(2048);
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
  });

  it('applies a snapshot, then deltas, keeping the latest revokedBefore per holder', () => {
    const s1 = applyRevocationFeed(undefined, feed(), T0);
    expect(s1).toMatchObject({ ok: true, changed: true });
    if (!s1.ok) return;
    expect(s1.state.seq).toBe(2);
    const s2 = applyRevocationFeed(
      s1.state,
      feed({ kind: 'delta', fromSeq: 2, toSeq: 3, entries: [{ sub: 'ABCDEFGH', revokedBefore: T0 + 10 }] }),
      T0 + 20,
    );
    expect(s2.ok && s2.state.revoked.get('ABCDEFGH')).toBe(T0 + 10);
    expect(s2.ok && s2.state.seq).toBe(3);
    // The original state is untouched: apply is pure.
    expect(s1.state.revoked.get('ABCDEFGH')).toBe(T0 - 100);
  });

  it('asks for a snapshot when a delta leaves a gap, and ignores an older delta', () => {
    const s1 = applyRevocationFeed(undefined, feed(), T0);
    if (!s1.ok) throw new Error('setup');
    expect(applyRevocationFeed(s1.state, feed({ kind: 'delta', fromSeq: 5, toSeq: 6, entries: [] }), T0)).toMatchObject({
      ok: false,
      reason: 'gap',
    });
    expect(applyRevocationFeed(undefined, feed({ kind: 'delta', fromSeq: 1, toSeq: 2 }), T0)).toMatchObject({ ok: false, reason: 'gap' });
    expect(applyRevocationFeed(s1.state, feed({ kind: 'delta', fromSeq: 0, toSeq: 1, entries: [] }), T0)).toMatchObject({
      ok: true,
      changed: false,
    });
    expect(applyRevocationFeed(s1.state, feed({ issuer: 'XX' }), T0)).toMatchObject({ ok: false, reason: 'issuer_mismatch' });
  });

  it('treats a snapshot ending below the held sequence as an issuer restore, keeping live held entries', () => {
    const held = applyRevocationFeed(undefined, feed({ toSeq: 10 }), T0);
    if (!held.ok) throw new Error('setup');
    const restore = feed({ toSeq: 6, issuedAt: T0 + 60, entries: [{ sub: 'NEWSUB23', revokedBefore: T0 + 30 }] });
    const result = applyRevocationFeed(held.state, restore, T0 + 60);
    expect(result).toMatchObject({ ok: true, changed: true, restored: true });
    if (!result.ok) return;
    expect(result.state.seq).toBe(6);
    expect(Object.fromEntries(result.state.revoked)).toEqual({ ABCDEFGH: T0 - 100, ZZZZ2345: T0 - 50, NEWSUB23: T0 + 30 });
    // A held entry that can no longer revoke a live token is not carried over.
    const later = applyRevocationFeed(held.state, restore, T0 + 86400 + 300 - 75);
    expect(later.ok && [...later.state.revoked.keys()].sort()).toEqual(['NEWSUB23', 'ZZZZ2345']);
    // A snapshot at or above the held sequence replaces the state as before: no restore.
    expect(applyRevocationFeed(held.state, feed({ toSeq: 10, entries: [] }), T0)).toMatchObject({ ok: true, restored: false });
  });

  it('never lets a snapshot drop a held entry that can still revoke a live token', () => {
    const held = applyRevocationFeed(undefined, feed({ toSeq: 2 }), T0);
    if (!held.ok) throw new Error('setup');
    // An issuer only prunes dead entries; a live one missing from a later snapshot was lost.
    const later = applyRevocationFeed(held.state, feed({ toSeq: 9, entries: [{ sub: 'NEWSUB23', revokedBefore: T0 }] }), T0);
    expect(later).toMatchObject({ ok: true, restored: false });
    expect(later.ok && [...later.state.revoked.keys()].sort()).toEqual(['ABCDEFGH', 'NEWSUB23', 'ZZZZ2345']);
  });

  it('drops entries that can only revoke tokens that have already expired', () => {
    const s = applyRevocationFeed(undefined, feed(), T0 + 86400 + 300 - 75);
    expect(s.ok && [...s.state.revoked.keys()]).toEqual(['ZZZZ2345']);
  });

  it('revokes tokens through verifyToken once applied', async () => {
    const token = (await signToken(greenClaims({ iat: T0 - 200 }), signer)).text;
    const s = applyRevocationFeed(undefined, feed(), T0);
    if (!s.ok) throw new Error('setup');
    expect(await verifyToken(token, { keys, now: T0, revocations: s.state.revoked })).toMatchObject({ ok: false, reason: 'token_revoked' });
  });

  it('refuses to encode a sub that is not an 8-character base32 id', () => {
    expect(() => encodeRevocationFeedPayload(feed({ entries: [{ sub: 'not-a-sub', revokedBefore: T0 }] }))).toThrow(/base32/);
  });
});
