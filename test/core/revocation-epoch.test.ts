// Same window, after a downgrade (docs/feed-privacy.md): a downgrade revokes the holder's tokens
// of each live window issued up to its cut, and none issued after it, even in the same window.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyStatusPieces,
  decodeStatusPiece,
  downgradeStatusReferences,
  encodeStatusPiece,
  isWindowIndexRevoked,
  MAX_REVOCATION_EPOCH,
  oldestLiveWindow,
  revokedReferences,
  tokenEpoch,
  tokenStatusReference,
} from '../../src/index.ts';
import { T0 } from './helpers.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const W = 21600;
const LIFETIME = 86400;
const feedKey = new Uint8Array(32).fill(9);
const DOMAIN = 1000;
const domainOf = () => DOMAIN;

/** A verifier's answer for a token of `slot` issued at `iat`, after the issuer listed `cuts` of `downgradedSlot`. */
function revokedAt(slot: number, cuts: number[], iat: number, downgradedSlot = slot): boolean {
  const pieces = new Map<string, Set<number>>();
  cuts.forEach((cut, i) => {
    for (const ref of downgradeStatusReferences(feedKey, downgradedSlot, cuts.slice(0, i), cut, LIFETIME, domainOf)) {
      const key = `${ref.window}/${ref.epoch}`;
      if (!pieces.has(key)) pieces.set(key, new Set());
      pieces.get(key)!.add(ref.index);
    }
  });
  const coded = [...pieces].map(([key, set]) => {
    const [window, epoch] = key.split('/').map(Number) as [number, number];
    const indices = Uint32Array.from([...set].sort((a, b) => a - b));
    const piece = decodeStatusPiece(encodeStatusPiece({ window, epoch, domain: DOMAIN, indices }));
    if (!piece.ok) throw new Error(piece.detail);
    return piece.piece;
  });
  const state = applyStatusPieces(undefined, 'snapshot', coded, 0);
  const token = tokenStatusReference(feedKey, slot, cuts, iat, domainOf);
  return isWindowIndexRevoked(state, token.window, token.epoch, token.index);
}

describe('revocation epochs', () => {
  it('worked by hand: a downgrade mid-window lists the five windows that can hold live tokens', () => {
    const cut = T0 + 4 * W + 1000;
    expect(revokedReferences([], cut, LIFETIME)).toEqual([0, 1, 2, 3, 4].map((d) => ({ window: T0 / W + d, epoch: 0 })));
    // Within the 300 s skew of a window start, one window more: a verifier whose clock lags
    // still accepts a token of window −1 issued in its last seconds.
    expect(revokedReferences([], T0 + 4 * W + 100, LIFETIME)).toEqual([-1, 0, 1, 2, 3, 4].map((d) => ({ window: T0 / W + d, epoch: 0 })));
    expect(revokedReferences([], T0 + 4 * W + 100, LIFETIME, 0)).toHaveLength(5);
    // A second downgrade in the same window revokes epoch 1 there; epoch 0 elsewhere.
    expect(revokedReferences([cut], cut + 50, LIFETIME).at(-1)).toEqual({ window: T0 / W + 4, epoch: 1 });
    expect(revokedReferences([cut], cut + 50, LIFETIME)[0]).toEqual({ window: T0 / W + 0, epoch: 0 });
    // A cut in an earlier window counts in that window only.
    expect(revokedReferences([T0 + 3 * W + 5], cut, LIFETIME).map((r) => r.epoch)).toEqual([0, 0, 0, 1, 0]);
  });

  it('revokes a token issued before the downgrade and keeps one issued after it in the same window', () => {
    const cut = T0 + 2 * W + 3000;
    expect(revokedAt(42, [cut], cut - 1000)).toBe(true);
    expect(revokedAt(42, [cut], cut)).toBe(true); // iat ≤ revokedBefore is revoked, as today
    expect(revokedAt(42, [cut], cut + 1)).toBe(false);
    expect(revokedAt(42, [cut], T0 + 3 * W - 1)).toBe(false);
    // Another holder is untouched.
    expect(revokedAt(43, [cut], cut - 1000, 42)).toBe(false);
    expect(revokedAt(42, [cut], cut - 1000, 42)).toBe(true);
  });

  it('for any cuts and any token time: revoked exactly when a cut at or after iat is within a lifetime', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 3 * W }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 * W }),
        (offsets, iatOffset) => {
          const cuts = offsets.map((o) => T0 + W + o).sort((a, b) => a - b);
          const iat = T0 + W + iatOffset;
          // Today's rule (docs/revocation-feed.md): revoked iff some cut C has iat ≤ C, and the
          // token is still live at C (iat > C − lifetime); all cuts here lie within a lifetime.
          const expected = cuts.some((c) => iat <= c);
          expect(revokedAt(7, cuts, iat)).toBe(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('caps the epoch: past the cap, later tokens of the window stay revoked (errs on caution)', () => {
    const base = T0 + W;
    const cuts = Array.from({ length: MAX_REVOCATION_EPOCH + 1 }, (_, i) => base + 10 * (i + 1));
    expect(tokenEpoch(cuts, base + W - 1)).toBe(MAX_REVOCATION_EPOCH);
    expect(revokedAt(5, cuts, base + W - 1)).toBe(true);
    expect(revokedAt(5, cuts, base + W)).toBe(false); // the next window starts afresh
  });

  it('names the oldest window a verifier must keep (worked by hand)', () => {
    expect(oldestLiveWindow(T0 + 5 * W, LIFETIME, 300)).toBe(T0 / W);
    expect(oldestLiveWindow(T0 + 5 * W + 300, LIFETIME, 300)).toBe(T0 / W + 1);
  });
});
