// Writes test/vectors/tricolor-v1.json: this project's conformance vectors for the TC1 format
// (docs/token-format.md), and test/vectors/tricolor-feed.json for the revocation feed
// (docs/revocation-feed.md, scripts/lib/feed-vectors.ts). Deterministic: fixed test seeds, fixed
// clock, and Ed25519 signatures are deterministic (RFC 8032 §5.1.6), so re-running gives
// identical bytes. Both files are checked by an independent verifier (test/interop/) as well as
// by src/.
//
// Usage: npm run vectors

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
  ALG_EDDSA,
  CborTagged,
  type CborValue,
  createSigner,
  encodeBase45,
  encodeCbor,
  encodeClaims,
  fromHex,
  HEADER_ALG,
  HEADER_KID,
  type Signer,
  sigStructure,
  TOKEN_PREFIX,
  type TokenClaims,
  toHex,
  windowOf,
} from '../src/index.ts';
import { feedVectors } from './lib/feed-vectors.ts';

const CLOCK = 1772323200; // 2026-03-01T00:00:00Z
const DAY = 86400;

function testSeed(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`tricolor test vector key: ${label}`).digest());
}

const keyA = await createSigner(testSeed('A'));
const keyB = await createSigner(testSeed('B'));
const stranger = await createSigner(testSeed('stranger'));

type KeyJson = { kidHex: string; publicKeyHex: string; state: string; validFrom: number; validUntil?: number };
const describeKey = (s: Signer, state: string, validFrom: number, validUntil?: number): KeyJson => ({
  kidHex: toHex(s.kid),
  publicKeyHex: toHex(s.publicKey),
  state,
  validFrom,
  ...(validUntil !== undefined ? { validUntil } : {}),
});

const trustA = [describeKey(keyA, 'active', CLOCK - 30 * DAY)];

interface Case {
  label: string;
  description: string;
  trustedKeys: KeyJson[];
  /** What the verifier holds from the feed: the revoked window indices of each (window, epoch). */
  revocations: { window: number; epoch: number; indices: number[] }[];
  claims: TokenClaims | null;
  cborHex: string | null;
  coseHex: string | null;
  qr: string;
  validationClock: number;
  skewSeconds: number;
  /** The trust list's maxTokenLifetime (docs/trust-list.md), when the case has one: exp - iat may not exceed it. */
  maxTokenLifetime?: number;
  expected: { valid: true; color: string } | { valid: false; reason: string };
}

const cases: Case[] = [];
const base: TokenClaims = { iss: 'ZJ', iat: CLOCK - 3600, exp: CLOCK - 3600 + DAY, color: 'green', windowIndex: 314_159 };
/** The issuance window of base.iat (docs/feed-privacy.md "Windows": floor(iat / 21600)). */
const baseWindow = windowOf(base.iat);

function header(kid: Uint8Array): Map<number, CborValue> {
  return new Map<number, CborValue>([
    [HEADER_ALG, ALG_EDDSA],
    [HEADER_KID, kid],
  ]);
}

/** Builds every stage by hand so defective variants can be made at any layer. */
async function build(opts: {
  signer?: Signer;
  protectedHeader?: Map<number, CborValue>;
  unprotected?: Map<number, CborValue>;
  payload?: Uint8Array;
  tag?: number;
  mutateSignature?: boolean;
}) {
  const signer = opts.signer ?? keyA;
  const protectedBytes = encodeCbor(opts.protectedHeader ?? header(signer.kid));
  const payload = opts.payload!;
  const signature = await signer.sign(sigStructure(protectedBytes, payload));
  if (opts.mutateSignature) signature[10]! ^= 0x01;
  const cose = encodeCbor(new CborTagged(opts.tag ?? 18, [protectedBytes, opts.unprotected ?? new Map(), payload, signature]));
  return { cose, qr: TOKEN_PREFIX + encodeBase45(cose) };
}

async function add(
  label: string,
  description: string,
  expected: Case['expected'],
  opts: {
    claims?: TokenClaims | null;
    payload?: Uint8Array;
    trustedKeys?: KeyJson[];
    revocations?: Case['revocations'];
    clock?: number;
    maxTokenLifetime?: number;
    qr?: string;
    buildOpts?: Parameters<typeof build>[0];
  },
) {
  const claims = opts.claims === undefined ? base : opts.claims;
  const payload = opts.payload ?? (claims ? encodeClaims(claims) : new Uint8Array());
  let qr = opts.qr;
  let cose: Uint8Array | null = null;
  if (!qr) {
    const built = await build({ payload, ...opts.buildOpts });
    qr = built.qr;
    cose = built.cose;
  }
  cases.push({
    label,
    description,
    trustedKeys: opts.trustedKeys ?? trustA,
    revocations: opts.revocations ?? [],
    claims,
    cborHex: opts.qr ? null : toHex(payload),
    coseHex: cose ? toHex(cose) : null,
    qr,
    validationClock: opts.clock ?? CLOCK,
    skewSeconds: 300,
    ...(opts.maxTokenLifetime === undefined ? {} : { maxTokenLifetime: opts.maxTokenLifetime }),
    expected,
  });
}

// Positive cases.
await add(
  'valid-green-minimal',
  'A typical green token: iss, exp, iat, colour and window index only.',
  { valid: true, color: 'green' },
  {},
);
await add(
  'valid-yellow-with-status-end-and-name',
  'Yellow with the optional status end and a masked CJK name.',
  { valid: true, color: 'yellow' },
  {
    claims: { ...base, color: 'yellow', statusEnds: CLOCK + 6 * DAY, maskedName: '张*' },
  },
);
await add(
  'valid-green-with-binding',
  'Green with the masked name and the birth year binding (docs/token-format.md "Binding").',
  { valid: true, color: 'green' },
  { claims: { ...base, maskedName: '王*', birthYear: 1990 } },
);
await add(
  'valid-red-largest',
  'The largest token an issuer produces: red, status end, nbf, a 4-word masked name and the birth year.',
  { valid: true, color: 'red' },
  { claims: { ...base, color: 'red', nbf: base.iat, statusEnds: CLOCK + 13 * DAY, maskedName: 'J* R* R* T*', birthYear: 1962 } },
);
await add(
  'valid-red-with-nbf',
  'Red with nbf equal to iat.',
  { valid: true, color: 'red' },
  { claims: { ...base, color: 'red', nbf: base.iat, statusEnds: CLOCK + 13 * DAY } },
);
await add(
  'valid-retired-key-inside-window',
  'Signed by a key retired after the token was issued: still valid.',
  { valid: true, color: 'green' },
  {
    trustedKeys: [describeKey(keyA, 'retired', CLOCK - 30 * DAY, CLOCK - 60), describeKey(keyB, 'active', CLOCK - 60)],
  },
);
await add(
  'valid-next-key',
  'Signed by a key published as next whose window has opened (a verifier that synced before the rotation).',
  { valid: true, color: 'green' },
  {
    trustedKeys: [describeKey(keyB, 'active', CLOCK - 30 * DAY), describeKey(keyA, 'next', CLOCK - 2 * 3600)],
  },
);
await add(
  'valid-within-skew-before-iat',
  'The verifier clock is 299 s behind iat: inside the 300 s allowance.',
  { valid: true, color: 'green' },
  { clock: base.iat - 299 },
);
await add(
  'valid-epoch-3',
  'A token issued after three downgrades earlier in its window carries revocation epoch 3.',
  { valid: true, color: 'red' },
  { claims: { ...base, color: 'red', statusEnds: CLOCK + 13 * DAY, revocationEpoch: 3 } },
);
await add(
  'valid-window-index-max',
  'The largest window index, 2^32 - 1.',
  { valid: true, color: 'green' },
  { claims: { ...base, windowIndex: 2 ** 32 - 1 } },
);
await add(
  'valid-other-indices-revoked',
  "The feed revokes the indices either side of this token's in its window and epoch: not this one.",
  { valid: true, color: 'green' },
  { revocations: [{ window: baseWindow, epoch: 0, indices: [0, base.windowIndex - 1, base.windowIndex + 1] }] },
);
await add(
  'valid-same-index-other-window',
  "The feed revokes this token's index, but in the window before and the window after its own.",
  { valid: true, color: 'green' },
  {
    revocations: [
      { window: baseWindow - 1, epoch: 0, indices: [base.windowIndex] },
      { window: baseWindow + 1, epoch: 0, indices: [base.windowIndex] },
    ],
  },
);
await add(
  'valid-same-index-earlier-epoch',
  'Issued after a downgrade in its window (epoch 1): the downgrade revoked the same index in epoch 0 only.',
  { valid: true, color: 'yellow' },
  {
    claims: { ...base, color: 'yellow', statusEnds: CLOCK + 6 * DAY, revocationEpoch: 1 },
    revocations: [{ window: baseWindow, epoch: 0, indices: [base.windowIndex] }],
  },
);

// Negative cases, in the order of the verification table.
await add(
  'input-too-large',
  'More than 1000 characters.',
  { valid: false, reason: 'input_too_large' },
  { claims: null, qr: TOKEN_PREFIX + '0'.repeat(999) },
);
await add(
  'prefix-hc1',
  'An EU DCC prefix.',
  { valid: false, reason: 'malformed_prefix' },
  { claims: null, qr: 'HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N' },
);
await add(
  'prefix-lowercase',
  'The prefix is case-sensitive.',
  { valid: false, reason: 'malformed_prefix' },
  { claims: null, qr: `tc1:${(await build({ payload: encodeClaims(base) })).qr.slice(4)}` },
);
await add(
  'base45-bad-character',
  'A lowercase character is not in the base45 alphabet.',
  { valid: false, reason: 'bad_base45' },
  { claims: null, qr: 'TC1:6BFa' },
);
await add(
  'base45-triplet-overflow',
  'RFC 9285: "GGW" decodes above 65535.',
  { valid: false, reason: 'bad_base45' },
  { claims: null, qr: 'TC1:GGW' },
);
await add(
  'base45-length-one-mod-three',
  'A dangling single character.',
  { valid: false, reason: 'bad_base45' },
  { claims: null, qr: 'TC1:BB8A' },
);
await add(
  'cbor-truncated',
  'The COSE bytes stop mid-structure.',
  { valid: false, reason: 'bad_cbor' },
  {
    claims: null,
    qr: TOKEN_PREFIX + encodeBase45((await build({ payload: encodeClaims(base) })).cose.subarray(0, 40)),
  },
);
await add(
  'cbor-indefinite-array',
  'An indefinite-length array is refused.',
  { valid: false, reason: 'bad_cbor' },
  { claims: null, qr: TOKEN_PREFIX + encodeBase45(Uint8Array.of(0xd2, 0x9f, 0x40, 0xa0, 0x40, 0x40, 0xff)) },
);
await add(
  'cose-wrong-tag',
  'Tag 98 (COSE_Sign) instead of 18.',
  { valid: false, reason: 'not_cose_sign1' },
  { buildOpts: { payload: encodeClaims(base), tag: 98 } },
);
await add(
  'cose-untagged',
  'The COSE_Sign1 array without its tag.',
  { valid: false, reason: 'not_cose_sign1' },
  {
    claims: null,
    qr: TOKEN_PREFIX + encodeBase45(encodeCbor([encodeCbor(header(keyA.kid)), new Map(), encodeClaims(base), new Uint8Array(64)])),
  },
);
await add(
  'alg-es256',
  'alg -7 (ES256) in the protected header.',
  { valid: false, reason: 'unsupported_alg' },
  {
    buildOpts: {
      payload: encodeClaims(base),
      protectedHeader: new Map<number, CborValue>([
        [HEADER_ALG, -7],
        [HEADER_KID, keyA.kid],
      ]),
    },
  },
);
await add(
  'alg-unprotected',
  'alg only in the unprotected header.',
  { valid: false, reason: 'unsupported_alg' },
  {
    buildOpts: {
      payload: encodeClaims(base),
      protectedHeader: new Map<number, CborValue>([[HEADER_KID, keyA.kid]]),
      unprotected: new Map<number, CborValue>([[HEADER_ALG, ALG_EDDSA]]),
    },
  },
);
await add(
  'header-extra-parameter',
  'A content type (label 3) in a token protected header.',
  { valid: false, reason: 'bad_header' },
  {
    buildOpts: {
      payload: encodeClaims(base),
      protectedHeader: new Map<number, CborValue>([
        [HEADER_ALG, ALG_EDDSA],
        [3, 0],
        [HEADER_KID, keyA.kid],
      ]),
    },
  },
);
await add(
  'unknown-kid',
  'Signed by a key the trust list does not hold.',
  { valid: false, reason: 'unknown_kid' },
  { buildOpts: { payload: encodeClaims(base), signer: stranger } },
);
await add(
  'key-revoked',
  'The signing key is revoked: rejected whenever the token was issued.',
  { valid: false, reason: 'key_revoked' },
  {
    trustedKeys: [describeKey(keyA, 'revoked', CLOCK - 30 * DAY, CLOCK - 7 * DAY)],
  },
);
await add(
  'signature-flipped-bit',
  'One bit of the signature flipped.',
  { valid: false, reason: 'bad_signature' },
  { buildOpts: { payload: encodeClaims(base), mutateSignature: true } },
);
await add(
  'signature-by-impostor',
  "Signed by another key under key A's kid.",
  { valid: false, reason: 'bad_signature' },
  {
    buildOpts: { payload: encodeClaims(base), signer: stranger, protectedHeader: header(keyA.kid) },
  },
);
await add(
  'claims-missing-colour',
  'Properly signed, but without the colour claim.',
  { valid: false, reason: 'bad_claims' },
  {
    claims: null,
    payload: encodeCbor(
      new Map<number, CborValue>([
        [1, 'ZJ'],
        [-65541, base.windowIndex],
        [4, base.exp],
        [6, base.iat],
      ]),
    ),
  },
);
await add(
  'claims-unknown-label',
  'Properly signed, with a claim label the format does not define.',
  { valid: false, reason: 'bad_claims' },
  {
    claims: null,
    payload: encodeCbor(
      new Map<number, CborValue>([
        [1, 'ZJ'],
        [-65541, base.windowIndex],
        [4, base.exp],
        [6, base.iat],
        [-65537, 0],
        [7, 'x'],
      ]),
    ),
  },
);
await add(
  'claims-birth-year-out-of-range',
  "Properly signed, with a birth year of 1899: below the format's range.",
  { valid: false, reason: 'bad_claims' },
  {
    claims: null,
    payload: encodeCbor(
      new Map<number, CborValue>([
        [1, 'ZJ'],
        [-65541, base.windowIndex],
        [4, base.exp],
        [6, base.iat],
        [-65537, 0],
        [-65540, 1899],
      ]),
    ),
  },
);
await add(
  'claims-birth-year-text',
  'Properly signed, with the birth year as text.',
  { valid: false, reason: 'bad_claims' },
  {
    claims: null,
    payload: encodeCbor(
      new Map<number, CborValue>([
        [1, 'ZJ'],
        [-65541, base.windowIndex],
        [4, base.exp],
        [6, base.iat],
        [-65537, 0],
        [-65540, '1990'],
      ]),
    ),
  },
);
const claimsWith = (extra: [number, CborValue][], without: number[] = []) =>
  encodeCbor(
    new Map<number, CborValue>(
      (
        [
          [1, 'ZJ'],
          [4, base.exp],
          [6, base.iat],
          [-65537, 0],
          [-65541, base.windowIndex],
        ] as [number, CborValue][]
      )
        .filter(([label]) => !without.includes(label))
        .concat(extra),
    ),
  );
await add(
  'claims-version-1-sub',
  'A version 1 token: the permanent sub (label 2) and no window index. sub is no longer a known label.',
  { valid: false, reason: 'bad_claims' },
  { claims: null, payload: claimsWith([[2, 'K7Q2M4XD']], [-65541]) },
);
await add(
  'claims-sub-beside-window-index',
  'A window index and a sub (label 2) as well: an unknown label is refused.',
  { valid: false, reason: 'bad_claims' },
  { claims: null, payload: claimsWith([[2, 'K7Q2M4XD']]) },
);
await add(
  'claims-missing-window-index',
  'Properly signed claims without the window index (-65541).',
  { valid: false, reason: 'bad_claims' },
  { claims: null, payload: claimsWith([], [-65541]) },
);
await add(
  'claims-window-index-2-32',
  'A window index of 2^32: beyond the uint32 range.',
  { valid: false, reason: 'bad_claims' },
  { claims: null, payload: claimsWith([[-65541, 2 ** 32]], [-65541]) },
);
await add(
  'claims-window-index-text',
  'The window index as text.',
  { valid: false, reason: 'bad_claims' },
  { claims: null, payload: claimsWith([[-65541, '314159']], [-65541]) },
);
await add(
  'claims-epoch-zero-explicit',
  'Revocation epoch 0 written out: epoch 0 must be left out, so this encoding is refused.',
  { valid: false, reason: 'bad_claims' },
  { claims: null, payload: claimsWith([[-65542, 0]]) },
);
await add(
  'claims-epoch-16',
  'Revocation epoch 16: above the cap of 15.',
  { valid: false, reason: 'bad_claims' },
  { claims: null, payload: claimsWith([[-65542, 16]]) },
);
const claimsHex = toHex(encodeClaims(base));
// A second iss (label 1) appended: same map, one more pair, head a5 -> a6.
const duplicateIss = fromHex(`a6${claimsHex.slice(2)}01624141`);
await add(
  'claims-duplicate-key',
  'Properly signed claims with label 1 twice: a duplicate map key is invalid CBOR (RFC 8949 §5.6).',
  { valid: false, reason: 'bad_cbor' },
  { claims: null, payload: duplicateIss },
);
await add(
  'claims-float-exp',
  'Properly signed claims with exp as a 64-bit float: floats are refused.',
  { valid: false, reason: 'bad_cbor' },
  {
    claims: null,
    payload: fromHex(
      'a5' +
        '01625a4a' +
        // -65541: 314159
        '3a000100041a0004cb2f' +
        '04fb41da6a7a3a000000' +
        '061a' +
        base.iat.toString(16).padStart(8, '0') +
        '3a0001000000',
    ),
  },
);
await add(
  'claims-trailing-byte',
  'Properly signed claims followed by one extra byte inside the payload.',
  { valid: false, reason: 'bad_cbor' },
  { claims: null, payload: fromHex(`${claimsHex}00`) },
);
await add(
  'protected-not-a-map',
  'The protected header byte string holds an array, not a map.',
  { valid: false, reason: 'not_cose_sign1' },
  {
    buildOpts: { payload: encodeClaims(base), protectedHeader: [ALG_EDDSA, keyA.kid] as unknown as Map<number, CborValue> },
  },
);
await add(
  'unprotected-alg-and-kid',
  'Both alg and kid repeated in the unprotected header.',
  { valid: false, reason: 'unsupported_alg' },
  {
    buildOpts: { payload: encodeClaims(base), unprotected: header(keyA.kid) },
  },
);
await add(
  'unprotected-nested-container',
  'A container inside the unprotected header goes past the nesting limit.',
  { valid: false, reason: 'bad_cbor' },
  {
    buildOpts: { payload: encodeClaims(base), unprotected: new Map<number, CborValue>([[5, [0]]]) },
  },
);
{
  const protectedBytes = encodeCbor(header(keyA.kid));
  const payload = encodeClaims(base);
  const signature = await keyA.sign(sigStructure(protectedBytes, payload));
  const tagged64 = encodeCbor(new CborTagged(18, [protectedBytes, new Map(), payload, new CborTagged(64, signature)]));
  await add(
    'signature-tagged',
    'A valid signature wrapped in tag 64: only tag 18 is allowed, so the signature is not a byte string.',
    { valid: false, reason: 'not_cose_sign1' },
    {
      claims: null,
      qr: TOKEN_PREFIX + encodeBase45(tagged64),
    },
  );
  const short = encodeCbor(new CborTagged(18, [protectedBytes, new Map(), payload, signature.subarray(0, 63)]));
  await add(
    'signature-63-bytes',
    'The signature truncated to 63 bytes.',
    { valid: false, reason: 'bad_signature' },
    { claims: null, qr: TOKEN_PREFIX + encodeBase45(short) },
  );
}
await add(
  'outside-key-window',
  "iat before the key's window opened.",
  { valid: false, reason: 'key_not_valid_at_iat' },
  { trustedKeys: [describeKey(keyA, 'active', base.iat + 1)] },
);
await add(
  'iat-after-retirement',
  "A retired key's window closed before iat.",
  { valid: false, reason: 'key_not_valid_at_iat' },
  {
    trustedKeys: [describeKey(keyA, 'retired', CLOCK - 30 * DAY, base.iat)],
  },
);
await add('not-yet-valid', 'The verifier clock is 301 s behind iat.', { valid: false, reason: 'not_yet_valid' }, { clock: base.iat - 301 });
await add('expired', 'Validated 300 s after exp (skew exhausted).', { valid: false, reason: 'expired' }, { clock: base.exp + 300 });
await add(
  'revoked-holder',
  "The feed lists this token's index in its window's epoch-0 set: the holder was downgraded after it was issued.",
  { valid: false, reason: 'token_revoked' },
  { revocations: [{ window: baseWindow, epoch: 0, indices: [7, base.windowIndex, 4_000_000] }] },
);
await add(
  'revoked-epoch-2',
  'An epoch-2 token whose index the feed lists in the (window, 2) set.',
  { valid: false, reason: 'token_revoked' },
  {
    claims: { ...base, revocationEpoch: 2 },
    revocations: [
      { window: baseWindow, epoch: 0, indices: [1] },
      { window: baseWindow, epoch: 2, indices: [base.windowIndex] },
    ],
  },
);
await add(
  'lifetime-at-cap',
  "exp - iat equals the trust list's maxTokenLifetime: accepted.",
  { valid: true, color: 'green' },
  { maxTokenLifetime: DAY },
);
await add(
  'lifetime-over-cap',
  "exp - iat is one second over the trust list's maxTokenLifetime: it would outlive its revocation entries.",
  { valid: false, reason: 'lifetime_too_long' },
  { claims: { ...base, exp: base.iat + DAY + 1 }, maxTokenLifetime: DAY },
);

const out = {
  description:
    'Tricolor TC1 conformance vectors (docs/token-format.md). Each case gives every stage (claims, claims CBOR hex, COSE hex, QR text), the trusted keys and revocations a verifier holds, the validation clock (NumericDate seconds), the skew allowance, the trust list’s maxTokenLifetime where a case sets one, and the expected result: valid with a colour, or the reason code.',
  generatedBy: 'scripts/make-vectors.ts (npm run vectors)',
  keys: {
    A: {
      note: 'TEST KEY ONLY: seed = SHA-256("tricolor test vector key: A")',
      seedHex: toHex(testSeed('A')),
      publicKeyHex: toHex(keyA.publicKey),
      kidHex: toHex(keyA.kid),
    },
    B: {
      note: 'TEST KEY ONLY: seed = SHA-256("tricolor test vector key: B")',
      seedHex: toHex(testSeed('B')),
      publicKeyHex: toHex(keyB.publicKey),
      kidHex: toHex(keyB.kid),
    },
    stranger: {
      note: 'TEST KEY ONLY: seed = SHA-256("tricolor test vector key: stranger"); never trusted',
      seedHex: toHex(testSeed('stranger')),
      publicKeyHex: toHex(stranger.publicKey),
      kidHex: toHex(stranger.kid),
    },
  },
  cases,
};
writeFileSync(new URL('../test/vectors/tricolor-v1.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${cases.length} cases to test/vectors/tricolor-v1.json`);

const feeds = await feedVectors({ clock: CLOCK, keyA, stranger, trustA, describeKey });
writeFileSync(new URL('../test/vectors/tricolor-feed.json', import.meta.url), `${JSON.stringify(feeds, null, 2)}\n`);
console.log(`wrote ${feeds.cases.length} feed cases and ${feeds.sync.length} sync sequences to test/vectors/tricolor-feed.json`);
