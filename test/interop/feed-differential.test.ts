// src/ and the independent feed reader (independent-feed.ts) against each other on random feeds:
// every feed src/ signs decodes to the same sets in both, and every piece damaged in one field,
// then properly signed, gets the same verdict from both (accepted with the same sets, or refused
// with the same reason). Case counts scale with FUZZ_RUNS (npm run fuzz).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CborValue,
  createSigner,
  encodeCbor,
  encodeStatusPiece,
  REVOCATION_FEED_CONTENT_TYPE,
  type StatusPiece,
  signRevocationFeed,
  signTypedDocument,
  toHex,
  verifyRevocationFeed,
} from '../../src/index.ts';
import { verifyFeedIndependently } from './independent-feed.ts';

const RUNS = Math.max(20, Math.floor(Number(process.env.FUZZ_RUNS ?? 500) / 5));
const NOW = 1_772_323_200;
const signer = await createSigner(new Uint8Array(32).fill(7));
const keys = [{ kid: signer.kid, publicKey: signer.publicKey, state: 'active' as const, validFrom: NOW - 86400 }];
const independentKeys = [
  { kidHex: toHex(signer.kid), publicKeyHex: toHex(signer.publicKey), state: 'active' as const, validFrom: NOW - 86400 },
];

/** A random piece: a domain, then a sorted set of distinct indices inside it. */
const pieceArbitrary = (window: number, epoch: number): fc.Arbitrary<StatusPiece> =>
  fc
    .integer({ min: 1, max: 2 ** 32 })
    .chain((domain) =>
      fc
        .uniqueArray(fc.integer({ min: 0, max: Math.min(domain, 2 ** 32) - 1 }), { maxLength: Math.min(domain, 60) })
        .map((indices) => ({ window, epoch, domain, indices: Uint32Array.from(indices.sort((a, b) => a - b)) })),
    );

const setsOf = (pieces: readonly StatusPiece[]) =>
  pieces.map((p) => ({ window: p.window, epoch: p.epoch, domain: p.domain, indices: [...p.indices] }));

async function bothVerdicts(bytes: Uint8Array) {
  const ours = await verifyRevocationFeed(bytes, { keys, now: NOW });
  const theirs = verifyFeedIndependently(bytes, independentKeys, NOW);
  return {
    ours: ours.ok ? { valid: true, sets: setsOf(ours.feed.pieces) } : { valid: false, reason: ours.reason },
    theirs: theirs.valid ? { valid: true, sets: theirs.feed.sets } : { valid: false, reason: theirs.reason },
  };
}

describe('src/ and the independent feed reader agree', () => {
  it('on every feed src/ signs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(pieceArbitrary(82_050, 0), pieceArbitrary(82_051, 0), pieceArbitrary(82_051, 3)),
        fc.boolean(),
        async (pieces, snapshot) => {
          const bytes = await signRevocationFeed(
            {
              issuer: 'ZJ',
              kind: snapshot ? 'snapshot' : 'delta',
              fromSeq: snapshot ? 0 : 5,
              toSeq: 9,
              issuedAt: NOW,
              maxTokenLifetime: 86400,
              pieces,
            },
            signer,
          );
          const { ours, theirs } = await bothVerdicts(bytes);
          expect(ours).toEqual({ valid: true, sets: setsOf(pieces) });
          expect(theirs).toEqual(ours);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('on pieces damaged in one field, then properly signed', async () => {
    const damage = fc.oneof(
      fc.record({ field: fc.constant(5 as const), byte: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
      fc.record({
        field: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const, 4 as const),
        delta: fc.integer({ min: -3, max: 3 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(pieceArbitrary(82_051, 0), damage, async (piece, d) => {
        const coded = encodeStatusPiece(piece);
        const fields: CborValue[] = [coded.window, coded.epoch, coded.domain, coded.count, coded.riceBits, coded.bits.slice()];
        if ('byte' in d) {
          const bits = fields[5] as Uint8Array;
          if (bits.length > 0) bits[d.byte % bits.length]! ^= d.xor;
        } else {
          fields[d.field] = Math.max(0, (fields[d.field] as number) + d.delta);
        }
        const payload = new Map<number, CborValue>([
          [1, 'ZJ'],
          [2, 0],
          [3, 0],
          [4, 9],
          [5, NOW],
          [6, 86400],
          [9, [fields]],
        ]);
        const { ours, theirs } = await bothVerdicts(await signTypedDocument(REVOCATION_FEED_CONTENT_TYPE, encodeCbor(payload), signer));
        expect(theirs).toEqual(ours);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
