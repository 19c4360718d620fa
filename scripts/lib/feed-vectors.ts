// The revocation feed's conformance vectors (docs/revocation-feed.md), written to
// test/vectors/tricolor-feed.json by scripts/make-vectors.ts: signed feeds a verifier must accept
// (with the sets they carry) or refuse (with the reason), and sync sequences (which feed is
// applied, which is a gap, what is held after, which tokens are revoked). Deterministic: fixed
// keys, clock and indices. test/interop/independent-feed.ts checks every case with cbor-x and
// node:crypto only; test/core/vectors-feed.test.ts runs them through src/.
import {
  type CborValue,
  encodeCbor,
  encodeStatusPiece,
  REVOCATION_FEED_CONTENT_TYPE,
  type Signer,
  type StatusPiece,
  signRevocationFeed,
  signTypedDocument,
  toHex,
  type UnsignedRevocationFeed,
  WINDOW_SECONDS,
  windowOf,
} from '../../src/index.ts';

type KeyJson = { kidHex: string; publicKeyHex: string; state: string; validFrom: number; validUntil?: number };
type SetJson = { window: number; epoch: number; domain: number; indices: number[] };
type FeedExpected =
  | {
      valid: true;
      issuer: string;
      kind: 'snapshot' | 'delta';
      fromSeq: number;
      toSeq: number;
      issuedAt: number;
      maxTokenLifetime: number;
      sets: SetJson[];
    }
  | { valid: false; reason: string };

interface FeedCase {
  label: string;
  description: string;
  trustedKeys: KeyJson[];
  feedHex: string;
  validationClock: number;
  skewSeconds: number;
  expected: FeedExpected;
}

interface SyncStep {
  feedHex: string;
  now: number;
  /** applied: folded in; unchanged: an older delta; gap, issuer_mismatch: refused, state kept. */
  outcome: 'applied' | 'unchanged' | 'gap';
  restored?: boolean;
  /** The sequence held after the step. */
  seq: number | null;
}

interface SyncCase {
  label: string;
  description: string;
  trustedKeys: KeyJson[];
  skewSeconds: number;
  steps: SyncStep[];
  /** The sets held after the last step (only windows not yet dropped), and lookups against them. */
  held: { window: number; epoch: number; indices: number[] }[];
  lookups: { window: number; epoch: number; index: number; revoked: boolean }[];
}

const DOMAIN = 1_000_000;
const LIFETIME = 86_400;
const SKEW = 300;

/** xorshift32, so the larger sets are fixed without being typed out. */
export function indicesFrom(seed: number, count: number, domain: number): number[] {
  let s = seed >>> 0 || 1;
  const set = new Set<number>();
  while (set.size < count) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    set.add((s >>> 0) % domain);
  }
  return [...set].sort((a, b) => a - b);
}

export async function feedVectors(opts: {
  clock: number;
  keyA: Signer;
  stranger: Signer;
  trustA: KeyJson[];
  describeKey: (s: Signer, state: string, validFrom: number) => KeyJson;
}) {
  const { clock, keyA, stranger, trustA } = opts;
  const W = windowOf(clock);
  const piece = (window: number, epoch: number, indices: number[], domain = DOMAIN): StatusPiece => ({
    window,
    epoch,
    domain,
    indices: Uint32Array.from(indices),
  });
  const header = (over: Partial<UnsignedRevocationFeed> = {}): UnsignedRevocationFeed => ({
    issuer: 'ZJ',
    kind: 'snapshot',
    fromSeq: 0,
    toSeq: 40,
    issuedAt: clock - 30,
    maxTokenLifetime: LIFETIME,
    pieces: [],
    ...over,
  });
  const asJson = (pieces: readonly StatusPiece[]): SetJson[] =>
    pieces.map((p) => ({ window: p.window, epoch: p.epoch, domain: p.domain, indices: [...p.indices] }));
  /** The CBOR of one coded piece as field 9 carries it, for hand-made defects. */
  const pieceCbor = (p: StatusPiece): CborValue[] => {
    const c = encodeStatusPiece(p);
    return [c.window, c.epoch, c.domain, c.count, c.riceBits, c.bits];
  };
  /** A payload map signed by key A as the issuer would, whatever it contains. */
  const signPayload = (fields: [number, CborValue][], signer: Signer = keyA) =>
    signTypedDocument(REVOCATION_FEED_CONTENT_TYPE, encodeCbor(new Map(fields)), signer);
  const headerFields = (over: Partial<Record<1 | 2 | 3 | 4 | 5 | 6, CborValue>> = {}): [number, CborValue][] =>
    Object.entries({ 1: 'ZJ', 2: 0, 3: 0, 4: 40, 5: clock - 30, 6: LIFETIME, ...over }).map(([k, v]) => [Number(k), v as CborValue]);
  const withPieces = (pieces: CborValue) => signPayload([...headerFields(), [9, pieces]]);

  const cases: FeedCase[] = [];
  const add = (label: string, description: string, bytes: Uint8Array, expected: FeedExpected, over: Partial<FeedCase> = {}) =>
    cases.push({
      label,
      description,
      trustedKeys: trustA,
      feedHex: toHex(bytes),
      validationClock: clock,
      skewSeconds: SKEW,
      expected,
      ...over,
    });
  const valid = (feed: UnsignedRevocationFeed, pieces: StatusPiece[]): Extract<FeedExpected, { valid: true }> => ({
    valid: true,
    issuer: feed.issuer,
    kind: feed.kind,
    fromSeq: feed.fromSeq,
    toSeq: feed.toSeq,
    issuedAt: feed.issuedAt,
    maxTokenLifetime: feed.maxTokenLifetime,
    sets: asJson(pieces),
  });
  const addValid = async (label: string, description: string, feed: UnsignedRevocationFeed, pieces: StatusPiece[]) =>
    add(label, description, await signRevocationFeed({ ...feed, pieces }, keyA), valid(feed, pieces));

  // Accepted feeds.
  {
    const pieces = [piece(W - 4, 0, [7, 99_999]), piece(W - 1, 0, [0, 1, 2, 500_000, 999_999]), piece(W, 0, [123_456]), piece(W, 1, [42])];
    await addValid(
      'snapshot-windows-and-epochs',
      'A snapshot with pieces of three windows, epoch 0 and epoch 1, indices at both ends of the domain.',
      header(),
      pieces,
    );
  }
  await addValid('snapshot-empty', 'A snapshot with no pieces: nothing is revoked.', header({ toSeq: 0 }), []);
  await addValid('snapshot-empty-piece', 'An empty piece (count 0, Rice parameter 0, no bits) is allowed.', header(), [piece(W, 0, [])]);
  {
    const pieces = [0, 1, 2, 3, 4].map((i) => piece(W - 4 + i, 0, indicesFrom(1000 + i, 100, DOMAIN)));
    await addValid(
      'delta-100-downgrades',
      '100 downgrades (500 indices, one per live window) as a delta: under 2 KB signed (docs/revocation-feed.md "Sizes").',
      header({ kind: 'delta', fromSeq: 40, toSeq: 140 }),
      pieces,
    );
  }
  await addValid('snapshot-domain-2-32', 'A domain of 2^32 (the largest) with its top index: wide Rice remainders.', header(), [
    piece(W, 15, [0, 2 ** 31, 2 ** 32 - 1], 2 ** 32),
  ]);
  {
    // Any Rice parameter up to 31 decodes, so a streaming encoder may pick it from an estimate:
    // here r = 0 for sparse indices (long unary runs), coded by hand: gaps 9, 0 -> 1111111110 0.
    const bits = Uint8Array.of(0b11111111, 0b10000000);
    add(
      'piece-rice-zero-sparse',
      'A piece coded with Rice parameter 0 although its indices are sparse (gaps 9 and 0: nine ones and a zero, then a zero, padded).',
      await withPieces([[W, 0, DOMAIN, 2, 0, bits]]),
      { ...valid(header(), []), sets: [{ window: W, epoch: 0, domain: DOMAIN, indices: [9, 10] }] },
    );
  }

  // Refused feeds: each has one defect; everything else is properly signed by a trusted key.
  const refuse = async (
    label: string,
    description: string,
    bytes: Uint8Array | Promise<Uint8Array>,
    reason: string,
    over: Partial<FeedCase> = {},
  ) => add(label, description, await bytes, { valid: false, reason }, over);
  const good = await signRevocationFeed(header({ pieces: [piece(W, 0, [5, 6])] }), keyA);
  {
    const flipped = good.slice();
    flipped[flipped.length - 5]! ^= 0x01;
    await refuse('signature-flipped-bit', 'One bit of the signature flipped.', flipped, 'bad_signature');
  }
  await refuse('unknown-kid', 'Signed by a key the trust list does not hold.', signRevocationFeed(header(), stranger), 'unknown_kid');
  await refuse('key-revoked', 'Signed by a key the trust list shows as revoked.', good, 'key_revoked', {
    trustedKeys: [opts.describeKey(keyA, 'revoked', clock - 30 * 86400)],
  });
  await refuse('issued-before-key-window', "issuedAt before the signing key's window opens.", good, 'key_not_valid_at_iat', {
    trustedKeys: [opts.describeKey(keyA, 'active', clock)],
  });
  await refuse(
    'issued-in-the-future',
    "issuedAt 301 s after the verifier's clock: beyond the 300 s skew.",
    signRevocationFeed(header({ issuedAt: clock + SKEW + 1 }), keyA),
    'not_yet_valid',
  );
  await refuse(
    'version-1-payload',
    'A version 1 payload: baseTime (7) and 8-byte records (8) instead of pieces (9).',
    signPayload([...headerFields(), [7, clock - 100], [8, new Uint8Array(8)]]),
    'bad_format',
  );
  await refuse('pieces-missing', 'Fields 1-6 only: the pieces (9) are required.', signPayload(headerFields()), 'bad_format');
  await refuse('unknown-field', 'An extra field 10 beside the pieces.', signPayload([...headerFields(), [9, []], [10, 0]]), 'bad_format');
  await refuse('snapshot-from-seq', 'A snapshot whose fromSeq is not 0.', signPayload([...headerFields({ 3: 1 }), [9, []]]), 'bad_format');
  await refuse('kind-2', 'kind 2: only 0 (snapshot) and 1 (delta) exist.', signPayload([...headerFields({ 2: 2 }), [9, []]]), 'bad_format');
  await refuse('pieces-not-array', 'Field 9 is a map, not an array of pieces.', withPieces(new Map([[1, 1]])), 'bad_status_set');
  await refuse('piece-five-fields', 'A piece of five fields.', withPieces([[W, 0, DOMAIN, 0, 0]]), 'bad_status_set');
  await refuse('piece-bits-text', 'The bits of a piece as a text string.', withPieces([[W, 0, DOMAIN, 0, 0, '']]), 'bad_status_set');
  await refuse(
    'piece-epoch-16',
    'Epoch 16: above the cap of 15.',
    withPieces([[W, 16, DOMAIN, 0, 0, new Uint8Array(0)]]),
    'bad_status_set',
  );
  await refuse('piece-domain-0', 'A domain of 0.', withPieces([[W, 0, 0, 0, 0, new Uint8Array(0)]]), 'bad_status_set');
  await refuse(
    'piece-domain-above-2-32',
    'A domain of 2^32 + 1.',
    withPieces([[W, 0, 2 ** 32 + 1, 0, 0, new Uint8Array(0)]]),
    'bad_status_set',
  );
  await refuse('piece-window-2-32', 'Window 2^32.', withPieces([[2 ** 32, 0, DOMAIN, 0, 0, new Uint8Array(0)]]), 'bad_status_set');
  await refuse('piece-rice-32', 'Rice parameter 32: at most 31.', withPieces([[W, 0, DOMAIN, 1, 32, new Uint8Array(5)]]), 'bad_status_set');
  await refuse(
    'piece-empty-rice-nonzero',
    'An empty piece must have Rice parameter 0.',
    withPieces([[W, 0, DOMAIN, 0, 3, new Uint8Array(0)]]),
    'bad_status_set',
  );
  await refuse(
    'piece-count-above-domain',
    'Count 11 in a domain of 10.',
    withPieces([[W, 0, 10, 11, 0, new Uint8Array(2)]]),
    'bad_status_set',
  );
  await refuse(
    'piece-count-beyond-bits',
    'A million indices claimed in 2 bytes: refused before anything is allocated.',
    withPieces([[W, 0, DOMAIN, 1_000_000, 0, Uint8Array.of(0, 0)]]),
    'bad_status_set',
  );
  await refuse(
    'piece-index-beyond-domain',
    'A unary run that carries the index past the domain (domain 10, r = 0, eleven ones).',
    withPieces([[W, 0, 10, 1, 0, Uint8Array.of(0xff, 0xe0)]]),
    'bad_status_set',
  );
  await refuse(
    'piece-bits-end-early',
    'Two indices claimed, but the bits are one unary run that never ends (24 ones, r = 2).',
    withPieces([[W, 0, DOMAIN, 2, 2, Uint8Array.of(0xff, 0xff, 0xff)]]),
    'bad_status_set',
  );
  {
    const coded = pieceCbor(piece(W, 0, [5, 6]));
    const bits = coded[5] as Uint8Array;
    const padded = bits.slice();
    padded[padded.length - 1]! |= 0x01;
    await refuse(
      'piece-padding-nonzero',
      'A one bit in the padding after the last index.',
      withPieces([[...coded.slice(0, 5), padded]]),
      'bad_status_set',
    );
    const trailing = Uint8Array.from([...bits, 0]);
    await refuse(
      'piece-trailing-byte',
      'A whole zero byte after the last index.',
      withPieces([[...coded.slice(0, 5), trailing]]),
      'bad_status_set',
    );
    await refuse(
      'pieces-duplicate-pair',
      'Two pieces for the same (window, epoch).',
      withPieces([coded, pieceCbor(piece(W, 0, [9]))]),
      'bad_status_set',
    );
    await refuse(
      'pieces-out-of-order',
      'Pieces in decreasing (window, epoch) order.',
      withPieces([coded, pieceCbor(piece(W - 1, 0, [9]))]),
      'bad_status_set',
    );
  }
  // Sync sequences.
  const sync: SyncCase[] = [];
  const feedHex = async (feed: UnsignedRevocationFeed) => toHex(await signRevocationFeed(feed, keyA));
  const windowStart = W * WINDOW_SECONDS;
  sync.push({
    label: 'snapshot-then-delta',
    description: 'A snapshot, then a delta after it: the delta is unioned per (window, epoch).',
    trustedKeys: trustA,
    skewSeconds: SKEW,
    steps: [
      {
        feedHex: await feedHex(header({ toSeq: 10, pieces: [piece(W - 1, 0, [3, 30]), piece(W, 0, [4])] })),
        now: clock,
        outcome: 'applied',
        seq: 10,
      },
      {
        feedHex: await feedHex(header({ kind: 'delta', fromSeq: 10, toSeq: 12, pieces: [piece(W - 1, 0, [3, 31]), piece(W, 1, [4])] })),
        now: clock + 60,
        outcome: 'applied',
        seq: 12,
      },
    ],
    held: [
      { window: W - 1, epoch: 0, indices: [3, 30, 31] },
      { window: W, epoch: 0, indices: [4] },
      { window: W, epoch: 1, indices: [4] },
    ],
    lookups: [
      { window: W - 1, epoch: 0, index: 31, revoked: true },
      { window: W, epoch: 1, index: 4, revoked: true },
      { window: W, epoch: 2, index: 4, revoked: false },
      { window: W, epoch: 0, index: 30, revoked: false },
    ],
  });
  sync.push({
    label: 'delta-gap-and-older-delta',
    description: 'A delta starting after the held sequence leaves a gap and changes nothing; an older delta is ignored.',
    trustedKeys: trustA,
    skewSeconds: SKEW,
    steps: [
      { feedHex: await feedHex(header({ toSeq: 10, pieces: [piece(W, 0, [4])] })), now: clock, outcome: 'applied', seq: 10 },
      {
        feedHex: await feedHex(header({ kind: 'delta', fromSeq: 11, toSeq: 12, pieces: [piece(W, 0, [5])] })),
        now: clock,
        outcome: 'gap',
        seq: 10,
      },
      {
        feedHex: await feedHex(header({ kind: 'delta', fromSeq: 8, toSeq: 9, pieces: [piece(W, 0, [6])] })),
        now: clock,
        outcome: 'unchanged',
        seq: 10,
      },
    ],
    held: [{ window: W, epoch: 0, indices: [4] }],
    lookups: [
      { window: W, epoch: 0, index: 5, revoked: false },
      { window: W, epoch: 0, index: 6, revoked: false },
    ],
  });
  sync.push({
    label: 'restore-keeps-held',
    description: 'A snapshot ending below the held sequence (the issuer was restored) continues from it and keeps every held index.',
    trustedKeys: trustA,
    skewSeconds: SKEW,
    steps: [
      { feedHex: await feedHex(header({ toSeq: 10, pieces: [piece(W, 0, [4, 8])] })), now: clock, outcome: 'applied', seq: 10 },
      { feedHex: await feedHex(header({ toSeq: 6, pieces: [piece(W, 0, [9])] })), now: clock, outcome: 'applied', restored: true, seq: 6 },
    ],
    held: [{ window: W, epoch: 0, indices: [4, 8, 9] }],
    lookups: [{ window: W, epoch: 0, index: 8, revoked: true }],
  });
  {
    // Window W-4 ends at windowStart - 3 * WINDOW_SECONDS; its last token expires LIFETIME later
    // and is accepted SKEW after that. The verifier keeps it until then, and drops it one second on.
    const keep = windowStart - 3 * WINDOW_SECONDS + LIFETIME + SKEW - 1;
    sync.push({
      label: 'expired-window-dropped',
      description:
        'Windows whose tokens have all expired (skew included) are dropped as feeds are applied: oldest live window = floor((now - maxTokenLifetime - skew) / 21600).',
      trustedKeys: trustA,
      skewSeconds: SKEW,
      steps: [
        {
          feedHex: await feedHex(header({ toSeq: 10, issuedAt: clock - 30, pieces: [piece(W - 4, 0, [1]), piece(W - 3, 0, [2])] })),
          now: keep,
          outcome: 'applied',
          seq: 10,
        },
        {
          feedHex: await feedHex(header({ kind: 'delta', fromSeq: 10, toSeq: 11, pieces: [piece(W, 0, [3])] })),
          now: keep + 1,
          outcome: 'applied',
          seq: 11,
        },
      ],
      held: [
        { window: W - 3, epoch: 0, indices: [2] },
        { window: W, epoch: 0, indices: [3] },
      ],
      lookups: [{ window: W - 4, epoch: 0, index: 1, revoked: false }],
    });
  }

  return {
    description:
      'Tricolor revocation feed conformance vectors (docs/revocation-feed.md, version 2: per-window Rice-coded pieces). `cases`: a signed feed (COSE hex), the trusted keys, the clock and skew, and the expected result: valid with the header fields and the decoded sets, or the reason code. `sync`: feeds applied in order, the outcome and sequence after each, the sets held at the end and lookups against them.',
    generatedBy: 'scripts/make-vectors.ts (npm run vectors), via scripts/lib/feed-vectors.ts',
    fields: {
      feedHex: 'the signed feed, COSE_Sign1 bytes as served by GET /v1/revocations',
      sets: 'per piece: window, epoch, domain and the sorted revoked indices',
      outcome:
        'applied (folded in), unchanged (a delta older than the held sequence), gap (a delta after the held sequence: refused, nothing changes)',
      held: 'window, epoch and sorted indices held after the last step, windows dropped by age left out',
    },
    cases,
    sync,
  };
}
