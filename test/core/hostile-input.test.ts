// Hostile input: whatever bytes or text arrive, the decoders return a reason code. They never
// throw, hang or accept something altered. Case counts scale with FUZZ_RUNS (npm run fuzz).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBase45,
  decodeCbor,
  decodeClaims,
  encodeBase45,
  encodeClaims,
  REASON_CODES,
  signRevocationFeed,
  signToken,
  signTrustList,
  TOKEN_PREFIX,
  type TokenClaims,
  verifyRevocationFeed,
  verifyToken,
  verifyTrustList,
  windowOf,
} from '../../src/index.ts';
import { greenClaims, newSigner, T0, trusted } from './helpers.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const signer = await newSigner();
const keys = [trusted(signer)];
const ctx = { keys, now: T0 + 60 };
const token = await signToken(greenClaims({ maskedName: '张*', statusEnds: T0 + 7 * 86400, color: 'yellow' }), signer);
const knownReasons = new Set<string>(REASON_CODES);

async function expectRejected(text: string, label: string): Promise<void> {
  const result = await verifyToken(text, ctx);
  expect(result.ok, label).toBe(false);
  if (!result.ok) expect(knownReasons.has(result.reason), `${label}: ${result.reason}`).toBe(true);
}

describe('verifyToken under hostile input', () => {
  it('accepts the untouched token (so the sweeps below are meaningful)', async () => {
    expect((await verifyToken(token.text, ctx)).ok).toBe(true);
  });

  it(`rejects every one of the ${token.bytes.length * 8} single-bit flips of the token bytes`, async () => {
    for (let bit = 0; bit < token.bytes.length * 8; bit++) {
      const flipped = token.bytes.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      await expectRejected(TOKEN_PREFIX + encodeBase45(flipped), `bit ${bit}`);
    }
  });

  it('rejects every truncation of the token bytes and of the QR text', async () => {
    for (let n = 0; n < token.bytes.length; n++)
      await expectRejected(TOKEN_PREFIX + encodeBase45(token.bytes.subarray(0, n)), `bytes[0..${n}]`);
    for (let n = 0; n < token.text.length; n++) await expectRejected(token.text.slice(0, n), `text[0..${n}]`);
  });

  it('returns a known reason for random text, with and without the prefix', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 1200 }), fc.boolean(), async (s, prefixed) => {
        await expectRejected(prefixed ? TOKEN_PREFIX + s : s, 'random text');
      }),
      { numRuns: RUNS },
    );
  });

  it('returns a known reason for random bytes presented as a token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 700 }), async (bytes) => {
        await expectRejected(TOKEN_PREFIX + encodeBase45(bytes), 'random bytes');
      }),
      { numRuns: RUNS },
    );
  });

  it('returns a known reason for random CBOR-shaped bytes behind a COSE tag', async () => {
    const cborish = fc.array(
      fc.constantFrom(0x84, 0x40, 0x41, 0x58, 0xa0, 0xa1, 0xa2, 0x01, 0x27, 0x04, 0x48, 0x3a, 0xd2, 0xff, 0x9f, 0x00, 0x18, 0x60),
      { maxLength: 120 },
    );
    await fc.assert(
      fc.asyncProperty(cborish, async (body) => {
        await expectRejected(TOKEN_PREFIX + encodeBase45(Uint8Array.from([0xd2, 0x84, ...body])), 'cbor-ish');
      }),
      { numRuns: RUNS },
    );
  });

  it('stays bounded on deeply nested or huge declared lengths', async () => {
    await expectRejected(TOKEN_PREFIX + encodeBase45(Uint8Array.from([0xd2, ...new Array(600).fill(0x81), 0x00])), 'deep nesting');
    await expectRejected(
      TOKEN_PREFIX + encodeBase45(Uint8Array.from([0xd2, 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])),
      'huge array',
    );
    await expectRejected(
      TOKEN_PREFIX + encodeBase45(Uint8Array.from([0xd2, 0x5b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00])),
      'huge bstr',
    );
  });
});

const claimsArbitrary: fc.Arbitrary<TokenClaims> = fc
  .record({
    iss: fc.string({ minLength: 1, maxLength: 16 }),
    windowIndex: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    revocationEpoch: fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined }),
    iat: fc.integer({ min: 0, max: 9_000_000_000 }),
    lifetime: fc.integer({ min: 1, max: 10 ** 7 }),
    color: fc.constantFrom('green' as const, 'yellow' as const, 'red' as const),
    nbf: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
    statusEnds: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }),
    maskedName: fc.option(
      fc.string({ maxLength: 16 }).filter((s) => new TextEncoder().encode(s).length <= 48),
      { nil: undefined },
    ),
  })
  .map(({ lifetime, nbf, statusEnds, maskedName, revocationEpoch, ...c }) => ({
    ...c,
    ...(revocationEpoch !== undefined ? { revocationEpoch } : {}),
    exp: c.iat + lifetime,
    ...(nbf !== undefined ? { nbf } : {}),
    ...(statusEnds !== undefined ? { statusEnds } : {}),
    ...(maskedName !== undefined ? { maskedName } : {}),
  }));

describe('round trips over random valid input', () => {
  it('claims encode then decode to the same claims', () => {
    fc.assert(
      fc.property(claimsArbitrary, (claims) => {
        expect(decodeClaims(encodeClaims(claims))).toEqual({ ok: true, claims });
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('signed tokens verify back to their claims', async () => {
    await fc.assert(
      fc.asyncProperty(claimsArbitrary, async (claims) => {
        const { text } = await signToken(claims, signer);
        const result = await verifyToken(text, { keys: [trusted(signer, { validFrom: 0 })], now: claims.iat, skewSeconds: 0 });
        if (claims.nbf !== undefined && claims.nbf > claims.iat) expect(result).toMatchObject({ ok: false, reason: 'not_yet_valid' });
        else expect(result).toEqual({ ok: true, claims, key: expect.anything() });
      }),
      { numRuns: Math.max(50, RUNS / 5) },
    );
  });

  it('base45 round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(decodeBase45(encodeBase45(bytes))).toEqual(bytes);
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('the CBOR decoder throws only its own error type on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeCbor(bytes);
        } catch (e) {
          expect((e as Error).name).toBe('CborError');
        }
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

describe('trust list and feed decoders under hostile input', () => {
  const root = signer;
  it('reject random bytes and every single-bit flip without throwing', async () => {
    const list = await signTrustList({ version: 1, issuedAt: T0, nextUpdate: T0 + 86400, issuer: 'ZJ', keys }, root);
    const feed = await signRevocationFeed(
      {
        issuer: 'ZJ',
        kind: 'snapshot',
        fromSeq: 0,
        toSeq: 1,
        issuedAt: T0,
        maxTokenLifetime: 86400,
        pieces: [{ window: windowOf(T0), epoch: 0, domain: 1_000_000, indices: Uint32Array.of(4242, 77_777) }],
      },
      signer,
    );
    expect((await verifyTrustList(list, { rootPublicKey: root.publicKey })).ok).toBe(true);
    expect((await verifyRevocationFeed(feed, { keys, now: T0 })).ok).toBe(true);
    for (let bit = 0; bit < list.length * 8; bit++) {
      const flipped = list.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect((await verifyTrustList(flipped, { rootPublicKey: root.publicKey })).ok, `trust list bit ${bit}`).toBe(false);
    }
    for (let bit = 0; bit < feed.length * 8; bit++) {
      const flipped = feed.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect((await verifyRevocationFeed(flipped, { keys, now: T0 })).ok, `feed bit ${bit}`).toBe(false);
    }
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        expect((await verifyTrustList(bytes, { rootPublicKey: root.publicKey })).ok).toBe(false);
        expect((await verifyRevocationFeed(bytes, { keys, now: T0 })).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });
});
