// Revoked window indices, Rice coded (docs/feed-privacy.md): exact round trips, the labelled
// vectors, appending in pages, a size close to log2 C(N, k), and hostile bytes that only ever
// produce a reason code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyStatusPieces,
  type CodedStatusPiece,
  DOCUMENT_REASONS,
  decodeStatusPiece,
  decodeStatusSets,
  encodeCbor,
  encodeStatusPiece,
  encodeStatusSets,
  isWindowIndexRevoked,
  MAX_FEED_INDICES,
  MAX_PIECE_ENTRIES,
  StatusPieceEncoder,
} from '../../src/index.ts';
import vectors from '../vectors/tricolor-feed-privacy.json' with { type: 'json' };
import { referenceRice } from './feed-privacy-reference.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const setArb = fc
  .integer({ min: 1, max: 2 ** 32 })
  .chain((domain) =>
    fc
      .uniqueArray(fc.integer({ min: 0, max: domain - 1 }), { maxLength: Math.min(domain, 300) })
      .map((xs) => ({ domain, indices: Uint32Array.from(xs.sort((a, b) => a - b)) })),
  );

function codedOf(window: number, epoch: number, domain: number, indices: number[]): CodedStatusPiece {
  return encodeStatusPiece({ window, epoch, domain, indices: Uint32Array.from(indices) });
}

describe('Rice vectors', () => {
  for (const c of vectors.riceCases) {
    it(c.label, () => {
      const encoder = new StatusPieceEncoder(1, 0, 1_000_000, 0);
      // The vectors pin the parameter; build the piece with it through the wire decoder.
      const coded = {
        window: 1,
        epoch: 0,
        domain: 1_000_000,
        count: c.indices.length,
        riceBits: c.riceBits,
        bits: Buffer.from(c.bitsHex, 'hex'),
      };
      const decoded = decodeStatusPiece(coded);
      expect(decoded.ok && [...decoded.piece.indices]).toEqual(c.indices);
      expect(encoder.riceBits).toBe(0);
    });
  }

  it('the encoder writes the vectors’ bits when it picks the same parameter', () => {
    for (const c of vectors.riceCases) {
      const coded = encodeStatusPiece({ window: 1, epoch: 0, domain: 1_000_000, indices: Uint32Array.from(c.indices) });
      expect(hex(coded.bits), c.label).toBe(referenceRice(c.indices, coded.riceBits));
    }
  });
});

describe('status pieces', () => {
  it('round-trip exactly, and re-encode to the same bytes (one encoding per set)', () => {
    fc.assert(
      fc.property(
        setArb,
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 15 }),
        ({ domain, indices }, window, epoch) => {
          const coded = encodeStatusPiece({ window, epoch, domain, indices });
          expect(hex(coded.bits)).toBe(referenceRice([...indices], coded.riceBits));
          const decoded = decodeStatusPiece(coded);
          if (!decoded.ok) throw new Error(decoded.detail);
          expect([...decoded.piece.indices]).toEqual([...indices]);
          expect(hex(encodeStatusPiece(decoded.piece).bits)).toBe(hex(coded.bits));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('appending in pages gives the same bytes as coding the set at once', () => {
    fc.assert(
      fc.property(setArb, fc.array(fc.nat(), { maxLength: 5 }), ({ domain, indices }, cuts) => {
        const whole = encodeStatusPiece({ window: 3, epoch: 0, domain, indices });
        const paged = new StatusPieceEncoder(3, 0, domain, indices.length);
        const bounds = [0, ...cuts.map((c) => c % (indices.length + 1)).sort((a, b) => a - b), indices.length];
        for (let i = 1; i < bounds.length; i++) paged.append(indices.subarray(bounds[i - 1], bounds[i]));
        expect(hex(paged.finish().bits)).toBe(hex(whole.bits));
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses unsorted, repeated or out-of-domain indices on the issuer side', () => {
    expect(() => codedOf(1, 0, 10, [3, 2])).toThrow(RangeError);
    expect(() => codedOf(1, 0, 10, [3, 3])).toThrow(RangeError);
    expect(() => codedOf(1, 0, 10, [10])).toThrow(RangeError);
    const paged = new StatusPieceEncoder(1, 0, 10, 2);
    paged.append([5]);
    expect(() => paged.append([4])).toThrow(RangeError);
  });

  it('comes within 5 % of log2 C(N, k) for 1 % of a million, spread at random', () => {
    const domain = 1_000_000;
    const k = 10_000;
    const set = new Set<number>();
    let s = 99;
    while (set.size < k) {
      // xorshift32: exact in 32-bit integer arithmetic.
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      set.add((s >>> 0) % domain);
    }
    const coded = encodeStatusPiece({ window: 1, epoch: 0, domain, indices: Uint32Array.from([...set].sort((a, b) => a - b)) });
    let bound = 0;
    for (let i = 0; i < k; i++) bound += Math.log2((domain - i) / (k - i));
    expect(coded.bits.length * 8).toBeLessThan(bound * 1.05);
  });
});

describe('a verifier’s status sets', () => {
  const piece = (window: number, epoch: number, indices: number[]) => {
    const decoded = decodeStatusPiece(codedOf(window, epoch, 100, indices));
    if (!decoded.ok) throw new Error(decoded.detail);
    return decoded.piece;
  };

  it('merge deltas, replace on a snapshot and drop expired windows', () => {
    let state = applyStatusPieces(undefined, 'snapshot', [piece(10, 0, [1, 5]), piece(11, 0, [7])], 10);
    state = applyStatusPieces(state, 'delta', [piece(10, 0, [2, 5]), piece(11, 1, [7])], 10);
    expect([...state.get(10)!.get(0)!]).toEqual([1, 2, 5]);
    expect(isWindowIndexRevoked(state, 11, 1, 7)).toBe(true);
    expect(isWindowIndexRevoked(state, 11, 0, 8)).toBe(false);
    expect(isWindowIndexRevoked(state, 12, 0, 7)).toBe(false);
    state = applyStatusPieces(state, 'delta', [], 11);
    expect(state.has(10)).toBe(false);
    state = applyStatusPieces(state, 'snapshot', [piece(12, 0, [3])], 11);
    expect([...state.keys()]).toEqual([12]);
  });
});

describe('status sets under hostile input', () => {
  const good = encodeStatusSets([
    codedOf(100, 0, 1_000_000, [5, 70_000, 999_999]),
    codedOf(100, 1, 1_000_000, [12]),
    codedOf(101, 0, 1_000_000, []),
  ]);
  const reasons = new Set(['bad_cbor', 'bad_status_set']);

  it('decodes the untouched bytes (so the sweeps below mean something)', () => {
    const decoded = decodeStatusSets(good);
    expect(decoded.ok && decoded.pieces.map((p) => [...p.indices])).toEqual([[5, 70_000, 999_999], [12], []]);
    expect(DOCUMENT_REASONS.bad_status_set).toMatch(/damaged/);
  });

  it('every single-bit flip is rejected with a reason or decodes to other, well-formed sets', () => {
    // (The signature over the feed is what catches alterations; here: no throw, and nothing
    // outside the rules gets through.)
    const original = JSON.stringify(decodeStatusSets(good));
    for (let bit = 0; bit < good.length * 8; bit++) {
      const flipped = good.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const decoded = decodeStatusSets(flipped);
      if (!decoded.ok) expect(reasons.has(decoded.reason), `bit ${bit}`).toBe(true);
      else {
        expect(JSON.stringify(decoded), `bit ${bit}`).not.toBe(original);
        for (const p of decoded.pieces) expect(p.indices.every((x, i) => x < p.domain && (i === 0 || x > p.indices[i - 1]!))).toBe(true);
      }
    }
  });

  it('every truncation is rejected', () => {
    for (let n = 0; n < good.length; n++) expect(decodeStatusSets(good.subarray(0, n)).ok, `${n}`).toBe(false);
  });

  it('random bytes and random piece fields give a reason, never a throw or a hang', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const decoded = decodeStatusSets(bytes);
        if (!decoded.ok) expect(reasons.has(decoded.reason)).toBe(true);
      }),
      { numRuns: RUNS },
    );
    const field = fc.oneof(
      fc.integer({ min: -5, max: 2 ** 33 }),
      fc.constant(2 ** 53 - 1),
      fc.constant(-(2 ** 53) + 1),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.tuple(field, field, field, field, field), fc.uint8Array({ maxLength: 64 }), (fields, bits) => {
        const decoded = decodeStatusSets(encodeCbor([[...fields, bits]]));
        if (!decoded.ok) expect(reasons.has(decoded.reason)).toBe(true);
        else for (const p of decoded.pieces) expect(p.indices.every((x) => x < p.domain)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects a huge claimed count, all-ones quotients, padding and order abuse with bad_status_set', () => {
    const cases: [string, Uint8Array][] = [
      ['count far beyond the bits', encodeCbor([[1, 0, 2 ** 32, 3_999_999, 0, new Uint8Array(8)]])],
      ['all-ones unary run past the domain', encodeCbor([[1, 0, 1000, 1, 0, new Uint8Array(200).fill(0xff)]])],
      ['non-zero padding', encodeCbor([[1, 0, 1000, 1, 9, Uint8Array.of(0x00, 0x7f)]])],
      ['a spare byte after the last index', encodeCbor([[1, 0, 1000, 1, 9, Uint8Array.of(0x00, 0x00, 0x00)]])],
      ['pieces out of order', encodeStatusSets([codedOf(2, 0, 10, [1]), codedOf(1, 0, 10, [1])])],
      ['the same piece twice', encodeStatusSets([codedOf(2, 0, 10, [1]), codedOf(2, 0, 10, [2])])],
      ['epoch 16', encodeCbor([[1, 16, 1000, 0, 0, new Uint8Array(0)]])],
      ['Rice parameter 32', encodeCbor([[1, 0, 1000, 0, 32, new Uint8Array(0)]])],
      ['an empty piece with a Rice parameter (two encodings of one set)', encodeCbor([[1, 0, 1000, 0, 3, new Uint8Array(0)]])],
      ['domain 0', encodeCbor([[1, 0, 0, 0, 0, new Uint8Array(0)]])],
      ['a piece with a field missing', encodeCbor([[1, 0, 1000, 0, 0]])],
      ['not an array', encodeCbor(new Map([[1, 2]]))],
    ];
    for (const [label, bytes] of cases) {
      const decoded = decodeStatusSets(bytes);
      expect(decoded.ok, label).toBe(false);
      if (!decoded.ok) expect(decoded.reason, label).toBe('bad_status_set');
    }
  });

  it('refuses more than MAX_FEED_INDICES claimed over all pieces before decoding any of them', () => {
    // Seven pieces of 4 M indices (r = 0, all gaps 0): each alone is well formed.
    const zeros = new Uint8Array(MAX_PIECE_ENTRIES / 8);
    const pieces = Array.from({ length: 7 }, (_, i) => [i, 0, MAX_PIECE_ENTRIES, MAX_PIECE_ENTRIES, 0, zeros]);
    const decoded = decodeStatusSets(encodeCbor(pieces));
    expect(decoded).toMatchObject({ ok: false, reason: 'bad_status_set' });
    expect(decoded.ok || decoded.detail).toMatch(/indices in all/);
    expect(MAX_FEED_INDICES).toBe(6 * MAX_PIECE_ENTRIES);
    // One such piece alone decodes.
    const one = decodeStatusSets(encodeCbor(pieces.slice(0, 1)));
    expect(one.ok && one.pieces[0]!.indices.length).toBe(MAX_PIECE_ENTRIES);
  });

  it('stops a unary run where the domain ends, not where the bytes end', () => {
    // 1.6 million one bits against a domain of 1000: the work is bounded by the domain.
    const decoded = decodeStatusSets(encodeCbor([[1, 0, 1000, 1, 0, new Uint8Array(200_000).fill(0xff)]]));
    expect(decoded.ok || decoded.detail).toBe('index beyond the domain');
  });
});
