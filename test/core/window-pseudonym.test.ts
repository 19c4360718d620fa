// Window pseudonyms (docs/feed-privacy.md): the keyed permutation is a bijection, matches an
// independent implementation and the labelled vectors, and gives one holder unrelated indices
// in different windows and epochs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holderSlot, MAX_DOMAIN, slotOfWindowIndex, WINDOW_SECONDS, windowIndex, windowOf, windowPermutation } from '../../src/index.ts';
import vectors from '../vectors/tricolor-feed-privacy.json' with { type: 'json' };
import { referenceIndex } from './feed-privacy-reference.ts';
import { T0 } from './helpers.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
// HMAC-heavy cases on a shared 2-core machine: generous, and growing with FUZZ_RUNS.
const SLOW_MS = 30_000 + RUNS * 20;
const feedKey = Uint8Array.from(Buffer.from(vectors.feedKeyHex, 'hex'));
const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('window index vectors', () => {
  for (const c of vectors.windowIndexCases) {
    it(c.label, () => {
      const perm = windowPermutation(feedKey, c.window, c.epoch, c.domain);
      expect(windowIndex(perm, c.slot)).toBe(c.index);
      expect(slotOfWindowIndex(perm, c.index)).toBe(c.slot);
    });
  }
});

describe('the window permutation', () => {
  it(
    'is a bijection on small domains (exhaustive for 1..40 and a few awkward sizes)',
    () => {
      for (const domain of [...Array.from({ length: 40 }, (_, i) => i + 1), 63, 64, 65, 255, 257, 1000, 4097]) {
        const perm = windowPermutation(feedKey, 7, 0, domain);
        const seen = new Set<number>();
        for (let slot = 0; slot < domain; slot++) {
          const index = windowIndex(perm, slot);
          expect(index).toBeGreaterThanOrEqual(0);
          expect(index).toBeLessThan(domain);
          seen.add(index);
          expect(slotOfWindowIndex(perm, index)).toBe(slot);
        }
        expect(seen.size).toBe(domain);
      }
    },
    SLOW_MS,
  );

  it(
    'agrees with the independent implementation on random keys, windows, epochs and domains',
    () => {
      fc.assert(
        fc.property(
          keyArb,
          fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          fc.integer({ min: 0, max: 15 }),
          fc.integer({ min: 1, max: MAX_DOMAIN }),
          fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
          (key, window, epoch, domain, at) => {
            const slot = Math.floor(at * domain);
            const perm = windowPermutation(key, window, epoch, domain);
            const index = windowIndex(perm, slot);
            expect(index).toBe(referenceIndex(Buffer.from(key), window, epoch, domain, slot));
            expect(slotOfWindowIndex(perm, index)).toBe(slot);
          },
        ),
        { numRuns: RUNS },
      );
    },
    SLOW_MS,
  );

  it(
    'gives one holder a different permutation in every window: slot sets map differently',
    () => {
      // Unlinkability can only be argued from the PRP; what a test can state: across windows
      // the permutations differ, so a known index in one window says nothing fixed about the next.
      const domain = 1_000_000;
      const w0 = windowOf(T0);
      const perms = [0, 1, 2, 3, 4].map((d) => windowPermutation(feedKey, w0 + d, 0, domain));
      let sameInAnyTwo = 0;
      for (let slot = 0; slot < 2000; slot++) {
        const indices = perms.map((p) => windowIndex(p, slot));
        if (new Set(indices).size < indices.length) sameInAnyTwo++;
      }
      // Independent random permutations collide for a given slot with probability about 10 / 1e6.
      expect(sameInAnyTwo).toBeLessThan(3);
    },
    SLOW_MS,
  );

  it(
    'an index in one window predicts nothing about the next: χ² on the top bits of both',
    () => {
      // 4 096 slots; the top 3 bits of (index in w, index in w+1) fall in an 8 × 8 table. For
      // independent uniform values χ² has 63 degrees of freedom: mean 63, and above 110 with
      // probability below 10⁻⁴. A permanent pseudonym puts everything on the diagonal (χ² ≈ 28 000).
      const domain = 2 ** 21;
      const w = windowOf(T0);
      const a = windowPermutation(feedKey, w, 0, domain);
      const b = windowPermutation(feedKey, w + 1, 0, domain);
      const table = new Array<number>(64).fill(0);
      const slots = 4096;
      for (let slot = 0; slot < slots; slot++) {
        const top = (index: number) => Math.floor(index / 2 ** 18);
        table[top(windowIndex(a, slot)) * 8 + top(windowIndex(b, slot))]!++;
      }
      const expected = slots / 64;
      const chi2 = table.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
      expect(chi2).toBeLessThan(110);
    },
    SLOW_MS,
  );

  it('separates epochs and domains of the same window too', () => {
    const w = windowOf(T0);
    const a = windowPermutation(feedKey, w, 0, 1_000_000);
    const b = windowPermutation(feedKey, w, 1, 1_000_000);
    const c = windowPermutation(feedKey, w, 0, 1_000_001);
    let equal = 0;
    for (let slot = 0; slot < 500; slot++) {
      const x = windowIndex(a, slot);
      if (x === windowIndex(b, slot) || x === windowIndex(c, slot)) equal++;
    }
    expect(equal).toBeLessThan(2);
  });

  it('does not keep the order of slots (dense enrolment numbers do not leak enrolment order)', () => {
    const perm = windowPermutation(feedKey, windowOf(T0), 0, 1_000_000);
    let ascending = 0;
    for (let slot = 0; slot < 1000; slot++) if (windowIndex(perm, slot) < windowIndex(perm, slot + 1)) ascending++;
    // About half the neighbours ascend under a random permutation: 500 ± 3σ (σ ≈ 16).
    expect(ascending).toBeGreaterThan(450);
    expect(ascending).toBeLessThan(550);
  });

  it('rejects misuse with RangeErrors, never a wrong index', () => {
    expect(() => windowPermutation(new Uint8Array(16), 1, 0, 10)).toThrow(RangeError);
    expect(() => windowPermutation(feedKey, -1, 0, 10)).toThrow(RangeError);
    expect(() => windowPermutation(feedKey, 1, 16, 10)).toThrow(RangeError);
    expect(() => windowPermutation(feedKey, 1, 0, 0)).toThrow(RangeError);
    expect(() => windowPermutation(feedKey, 1, 0, MAX_DOMAIN + 1)).toThrow(RangeError);
    const perm = windowPermutation(feedKey, 1, 0, 10);
    expect(() => windowIndex(perm, 10)).toThrow(RangeError);
    expect(() => windowIndex(perm, 1.5)).toThrow(RangeError);
    expect(() => slotOfWindowIndex(perm, -1)).toThrow(RangeError);
  });
});

describe('holder slots and windows', () => {
  it('interleaves buckets so that per-bucket dense numbers stay dense overall (worked by hand)', () => {
    expect(holderSlot(0, 0, 1024)).toBe(0);
    expect(holderSlot(0, 1023, 1024)).toBe(1023);
    expect(holderSlot(3, 5, 1024)).toBe(3 * 1024 + 5);
    expect(() => holderSlot(0, 1024, 1024)).toThrow(RangeError);
    expect(() => holderSlot(2 ** 22, 0, 1024)).toThrow(RangeError);
  });

  it('numbers 6-hour windows from the epoch (worked by hand)', () => {
    expect(WINDOW_SECONDS).toBe(21600);
    expect(windowOf(T0)).toBe(T0 / 21600);
    expect(windowOf(T0 + 21599)).toBe(T0 / 21600);
    expect(windowOf(T0 + 21600)).toBe(T0 / 21600 + 1);
  });
});
