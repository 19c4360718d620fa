// The revocation feed vectors (test/vectors/tricolor-feed.json) through src/. The same file is
// checked by the independent reading in test/interop/independent-feed.ts.
import { describe, expect, it } from 'vitest';
import {
  applyRevocationFeed,
  fromHex,
  isWindowIndexRevoked,
  type KeyState,
  type RevocationState,
  type TrustedKey,
  verifyRevocationFeed,
} from '../../src/index.ts';
import vectors from '../vectors/tricolor-feed.json' with { type: 'json' };

type VectorKey = { kidHex: string; publicKeyHex: string; state: string; validFrom: number; validUntil?: number };
const toTrusted = (k: VectorKey): TrustedKey => ({
  kid: fromHex(k.kidHex),
  publicKey: fromHex(k.publicKeyHex),
  state: k.state as KeyState,
  validFrom: k.validFrom,
  ...(k.validUntil !== undefined ? { validUntil: k.validUntil } : {}),
});

describe('revocation feed vectors (test/vectors/tricolor-feed.json)', () => {
  it('has accepted and refused feeds, and every feed reason', () => {
    const reasons = new Set(vectors.cases.map((c) => ('reason' in c.expected ? c.expected.reason : 'valid')));
    for (const r of [
      'valid',
      'bad_signature',
      'unknown_kid',
      'key_revoked',
      'key_not_valid_at_iat',
      'not_yet_valid',
      'bad_format',
      'bad_status_set',
    ])
      expect(reasons, r).toContain(r);
  });

  it.each(vectors.cases.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    const result = await verifyRevocationFeed(fromHex(c.feedHex), {
      keys: c.trustedKeys.map(toTrusted),
      now: c.validationClock,
      skewSeconds: c.skewSeconds,
    });
    if (!c.expected.valid) {
      expect(result).toMatchObject({ ok: false, reason: (c.expected as { reason: string }).reason });
      return;
    }
    if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
    const {
      sets,
      valid: _,
      ...header
    } = c.expected as { valid: true; sets: { window: number; epoch: number; domain: number; indices: number[] }[] };
    const { pieces, ...feedHeader } = result.feed;
    expect(feedHeader).toEqual(header);
    expect(pieces.map((p) => ({ window: p.window, epoch: p.epoch, domain: p.domain, indices: [...p.indices] }))).toEqual(sets);
  });

  it.each(vectors.sync.map((s) => [s.label, s] as const))('sync: %s', async (_label, s) => {
    const keys = s.trustedKeys.map(toTrusted);
    let state: RevocationState | undefined;
    for (const [i, step] of s.steps.entries()) {
      const verified = await verifyRevocationFeed(fromHex(step.feedHex), { keys, now: step.now, skewSeconds: s.skewSeconds });
      if (!verified.ok) throw new Error(`step ${i}: ${verified.reason}`);
      const applied = applyRevocationFeed(state, verified.feed, step.now, s.skewSeconds);
      if (step.outcome === 'gap') {
        expect(applied, `step ${i}`).toMatchObject({ ok: false, reason: 'gap' });
      } else {
        expect(applied, `step ${i}`).toMatchObject({ ok: true, changed: step.outcome === 'applied', restored: step.restored ?? false });
        if (applied.ok) state = applied.state;
      }
      expect(state?.seq ?? null, `step ${i}`).toBe(step.seq);
    }
    const held = [...(state?.sets ?? [])].flatMap(([window, epochs]) =>
      [...epochs].map(([epoch, indices]) => ({ window, epoch, indices: [...indices] })),
    );
    const order = (a: { window: number; epoch: number }, b: { window: number; epoch: number }) => a.window - b.window || a.epoch - b.epoch;
    expect(held.sort(order)).toEqual([...s.held].sort(order));
    for (const l of s.lookups) expect(isWindowIndexRevoked(state!.sets, l.window, l.epoch, l.index), JSON.stringify(l)).toBe(l.revoked);
  });
});
