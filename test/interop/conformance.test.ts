// Runs test/vectors/tricolor-v1.json through the independent verifier (and tricolor-feed.json
// through the independent feed reader, at the end): if a vector and a
// reading of docs/token-format.md that shares no code with src/ disagree, one of them is wrong.
// The last block pins this reading of rules the vectors do not exercise, on tokens signed here
// with the vector file's test key A.
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyIndependently, type Held, type HeldSet, isRevokedIndependently, verifyFeedIndependently } from './independent-feed.ts';
import {
  base45Decode,
  CLAIMS_LIMITS,
  type Claims,
  decodeCbor,
  decodeClaims,
  OUTER_LIMITS,
  type Revocation,
  sigStructure,
  Tagged,
  type TrustedKey,
  verifyIndependently,
} from './independent-verifier.ts';

type Expected = { valid: true; color: string } | { valid: false; reason: string };
type VectorCase = {
  label: string;
  description: string;
  trustedKeys: TrustedKey[];
  revocations: Revocation[];
  claims: Claims | null;
  cborHex: string | null;
  coseHex: string | null;
  qr: string;
  validationClock: number;
  skewSeconds: number;
  maxTokenLifetime?: number;
  expected: Expected;
};
type TestKey = { seedHex: string; publicKeyHex: string; kidHex: string };
type VectorFile = { keys: Record<string, TestKey>; cases: VectorCase[] };

const file = new URL('../vectors/tricolor-v1.json', import.meta.url);
const vectors = JSON.parse(readFileSync(file, 'utf8')) as VectorFile;
const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('tricolor-v1 vectors, checked by the independent verifier', () => {
  it('has cases', () => {
    expect(vectors.cases.length).toBeGreaterThan(0);
  });

  for (const c of vectors.cases) {
    it(`${c.label}: ${c.description}`, () => {
      const verdict = verifyIndependently(c.qr, {
        trustedKeys: c.trustedKeys,
        revocations: c.revocations,
        now: c.validationClock,
        skewSeconds: c.skewSeconds,
        ...(c.maxTokenLifetime === undefined ? {} : { maxTokenLifetime: c.maxTokenLifetime }),
      });
      const got = verdict.valid ? { valid: true, color: verdict.claims.color } : { valid: false, reason: verdict.reason };
      expect(got).toEqual(c.expected);
      if (verdict.valid && c.claims !== null) expect(verdict.claims).toEqual(c.claims);
    });
  }
});

describe('tricolor-v1 positive vectors, stage by stage', () => {
  for (const c of vectors.cases.filter((v) => v.expected.valid)) {
    it(`${c.label}: every stage decodes to the stated claims`, () => {
      expect(c.claims).not.toBeNull();
      expect(c.cborHex).toBeTypeOf('string');
      expect(c.coseHex).toBeTypeOf('string');
      const cose = fromHex(c.coseHex!);

      // QR text = "TC1:" + base45(COSE bytes).
      expect(c.qr.startsWith('TC1:')).toBe(true);
      expect(toHex(base45Decode(c.qr.slice(4))!)).toBe(c.coseHex);

      // The claims CBOR decodes on its own to the stated claims.
      expect(decodeClaims(fromHex(c.cborHex!))).toEqual(c.claims);

      // The COSE payload is that same claims CBOR, byte for byte.
      const root = decodeCbor(cose, OUTER_LIMITS);
      expect(root).toBeInstanceOf(Tagged);
      expect((root as Tagged).tag).toBe(18);
      const payload = ((root as Tagged).value as unknown[])[2];
      expect(payload).toBeInstanceOf(Uint8Array);
      expect(toHex(payload as Uint8Array)).toBe(c.cborHex);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Hand-built tokens. A tiny CBOR writer; Raw splices bytes in as written (non-shortest forms,
// simple values, anything the writer would not produce).
class Raw {
  readonly hex: string;
  constructor(hex: string) {
    this.hex = hex;
  }
}
const head = (major: number, n: number): string => {
  const mt = major << 5;
  if (n < 24) return (mt | n).toString(16).padStart(2, '0');
  if (n < 0x100) return (mt | 24).toString(16) + n.toString(16).padStart(2, '0');
  if (n < 0x10000) return (mt | 25).toString(16) + n.toString(16).padStart(4, '0');
  return (mt | 26).toString(16) + n.toString(16).padStart(8, '0');
};
const enc = (v: unknown): string => {
  if (v instanceof Raw) return v.hex;
  if (v instanceof Tagged) return head(6, v.tag) + enc(v.value);
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return head(3, b.length) + b.toString('hex');
  }
  if (v instanceof Uint8Array) return head(2, v.length) + toHex(v);
  if (Array.isArray(v)) return head(4, v.length) + v.map(enc).join('');
  if (v instanceof Map) return head(5, v.size) + [...v].map(([k, x]) => enc(k) + enc(x)).join('');
  throw new TypeError('cannot encode');
};
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const base45 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) {
    let n = b[i]! * 256 + b[i + 1]!;
    for (let k = 0; k < 3; k++, n = Math.floor(n / 45)) s += B45[n % 45];
  }
  if (b.length % 2 === 1) s += B45[b[b.length - 1]! % 45]! + B45[Math.floor(b[b.length - 1]! / 45)]!;
  return s;
};

const A = vectors.keys.A!;
const privateA = createPrivateKey({
  key: {
    kty: 'OKP',
    crv: 'Ed25519',
    d: Buffer.from(A.seedHex, 'hex').toString('base64url'),
    x: Buffer.from(A.publicKeyHex, 'hex').toString('base64url'),
  },
  format: 'jwk',
});
const KID = fromHex(A.kidHex);
const IAT = 1772319600;
const ctx = {
  trustedKeys: [{ kidHex: A.kidHex, publicKeyHex: A.publicKeyHex, state: 'active' as const, validFrom: 1769731200 }],
  revocations: [],
  now: IAT + 3600,
  skewSeconds: 300,
};
const claimsMap = (extra: [unknown, unknown][] = [], drop: unknown[] = []): Map<unknown, unknown> =>
  new Map<unknown, unknown>([
    ...(
      [
        [1, 'ZJ'],
        [4, IAT + 86400],
        [-65541, 31337],
        [6, IAT],
        [-65537, 0],
      ] as [unknown, unknown][]
    ).filter(([k]) => !drop.includes(k)),
    ...extra,
  ]);
type Parts = { protectedHex?: string; unprotected?: unknown; payloadHex?: string; wrap?: (p: unknown[]) => unknown };
/** Signs properly (over the bytes as written) unless the parts make that meaningless. */
const token = (claims: unknown, parts: Parts = {}): string => {
  const protectedBytes = fromHex(
    parts.protectedHex ??
      enc(
        new Map<unknown, unknown>([
          [1, -8],
          [4, KID],
        ]),
      ),
  );
  const payload = fromHex(parts.payloadHex ?? enc(claims));
  const signature = cryptoSign(null, sigStructure(protectedBytes, payload), privateA);
  const items: unknown[] = [protectedBytes, parts.unprotected ?? new Map(), payload, Uint8Array.from(signature)];
  const body = parts.wrap ? parts.wrap(items) : items;
  return `TC1:${base45(fromHex(enc(new Tagged(18, body))))}`;
};
const reason = (qr: string): string => {
  const v = verifyIndependently(qr, ctx);
  return v.valid ? `valid:${v.claims.color}` : v.reason;
};

describe('spec rules the vectors do not exercise (this reading of docs/token-format.md)', () => {
  it('the hand-built baseline token verifies', () => {
    expect(reason(token(claimsMap()))).toBe('valid:green');
  });

  it('"TC1:" followed by nothing is bad_cbor; QR text length is counted in UTF-16 units', () => {
    expect(reason('TC1:')).toBe('bad_cbor');
    expect(reason(`TC1:${'€'.repeat(996)}`)).toBe('bad_base45'); // 1000 units, not 2992 bytes
    expect(reason(`TC1:${'€'.repeat(997)}`)).toBe('input_too_large');
  });

  it('alg written 38 07 and keys in another order are accepted if signed', () => {
    const protectedHex = `a204${enc(KID)}013807`;
    expect(reason(token(claimsMap(), { protectedHex }))).toBe('valid:green');
  });

  it('a zero-length protected bstr is the empty map: alg is missing', () => {
    expect(reason(token(claimsMap(), { protectedHex: '' }))).toBe('unsupported_alg');
  });

  it('a protected header that decodes to a non-map is not_cose_sign1', () => {
    expect(reason(token(claimsMap(), { protectedHex: '01' }))).toBe('not_cose_sign1');
    expect(reason(token(claimsMap(), { protectedHex: enc(new Tagged(5, new Map([[1, -8]]))) }))).toBe('not_cose_sign1');
  });

  it('bad CBOR inside the protected header is bad_cbor (check 4), before any shape check', () => {
    expect(reason(token(claimsMap(), { protectedHex: 'a20127' }))).toBe('bad_cbor');
    expect(reason(token(claimsMap(), { protectedHex: `a2012704${enc(KID)}00` }))).toBe('bad_cbor');
    // a tagged map key
    expect(reason(token(claimsMap(), { protectedHex: `a2c1012704${enc(KID)}` }))).toBe('bad_cbor');
  });

  it('tags fail the type check of their place', () => {
    const tagged = (tag: number, v: unknown): Tagged => new Tagged(tag, v);
    const alg = `a201${enc(tagged(1, -8))}04${enc(KID)}`;
    expect(reason(token(claimsMap(), { protectedHex: alg }))).toBe('unsupported_alg');
    const kid = `a2012704${enc(tagged(64, KID))}`;
    expect(reason(token(claimsMap(), { protectedHex: kid }))).toBe('bad_header');
    const wrapAt = (i: number) => (p: unknown[]) => p.map((x, j) => (j === i ? tagged(24, x) : x));
    expect(reason(token(claimsMap(), { wrap: wrapAt(0) }))).toBe('not_cose_sign1');
    expect(reason(token(claimsMap(), { wrap: wrapAt(2) }))).toBe('not_cose_sign1');
    // A tagged unprotected map: tag 18 → array → tag → map nests 4 deep.
    expect(reason(token(claimsMap(), { wrap: wrapAt(1) }))).toBe('bad_cbor');
  });

  it('outer structure: 16 data items at most, tags included', () => {
    // tag, array, 3 bstrs, map = 6; five unprotected pairs make 16, six make 18.
    const pairs = (n: number) => new Map(Array.from({ length: n }, (_, i) => [10 + i, 0]));
    expect(reason(token(claimsMap(), { unprotected: pairs(5) }))).toBe('bad_header');
    expect(reason(token(claimsMap(), { unprotected: pairs(6) }))).toBe('bad_cbor');
  });

  it('claims: every label present is 21 items and verifies; CBOR errors are bad_cbor', () => {
    const full = claimsMap([
      [5, IAT],
      [-65538, IAT + 7 * 86400],
      [-65539, '张*'],
      [-65540, 1990],
      [-65542, 15],
    ]);
    full.set(-65537, 1);
    expect(reason(token(full))).toBe('valid:yellow');
    expect(reason(token(claimsMap([[-65539, [1]]])))).toBe('bad_cbor'); // nested container
    expect(reason(token(claimsMap([[-65539, new Raw('f7')]])))).toBe('bad_cbor'); // undefined
    expect(reason(token(claimsMap([[-65539, new Raw('f820')]])))).toBe('bad_cbor'); // two-byte simple
    expect(reason(token(claimsMap([[-65539, new Raw('f6')]])))).toBe('bad_claims'); // null: wrong type
    expect(reason(token(claimsMap([[new Raw('1801'), 'ZJ']], [1])))).toBe('valid:green'); // 18 01 is label 1
    expect(reason(token(claimsMap([[new Raw('1801'), 'ZJ']])))).toBe('bad_cbor'); // ... so a duplicate
    expect(reason(token(claimsMap([[new Raw('62c328'), 'x']])))).toBe('bad_cbor'); // invalid UTF-8 key
    expect(reason(token(claimsMap([['x', 1]])))).toBe('bad_claims'); // text label: unknown
    expect(reason(token(claimsMap([[new Raw('40'), 1]])))).toBe('bad_cbor'); // bstr key
    // A tagged claim value: the tag paragraph says bad_claims, but the counting rule (each tag
    // opens a level; claims nest 1) refuses it at 11a first, and the checks stop at the first
    // failure. The spec contradicts itself here; this reading follows the ordered checks.
    expect(reason(token(claimsMap([[-65539, new Tagged(0, 'x')]])))).toBe('bad_cbor');
  });

  it('claim text lengths are UTF-8 bytes', () => {
    const withName = (n: string) => token(claimsMap([[-65539, n]]));
    expect(reason(withName('张'.repeat(16)))).toBe('valid:green'); // 48 bytes
    expect(reason(withName(`${'张'.repeat(16)}*`))).toBe('bad_claims'); // 49 bytes
    expect(reason(withName(''))).toBe('valid:green');
    const withIss = (iss: string) => token(claimsMap([[1, iss]], [1]));
    expect(reason(withIss('ABCDEFGHIJKLMNOP'))).toBe('valid:green'); // 16 bytes
    expect(reason(withIss('浙江省杭州市'))).toBe('bad_claims'); // 6 characters, 18 bytes
    expect(reason(withIss(''))).toBe('bad_claims');
  });

  it('decoder limits: arguments up to 2^53 − 1, strings up to 1000 bytes', () => {
    const ok = (hex: string) => () => decodeCbor(fromHex(hex), CLAIMS_LIMITS);
    expect(ok('1b001fffffffffffff')()).toBe(2 ** 53 - 1);
    expect(ok('3b001fffffffffffff')()).toBe(-(2 ** 53));
    expect(ok('1b0020000000000000')).toThrow();
    expect(ok('3b0020000000000000')).toThrow();
    expect(ok('db0020000000000000' + '00')).toThrow(); // tag number
    // Nesting: a tag at depth 0 reaches level 1, which the claims decode allows; a map under it does not.
    expect(ok('d9ffff00')()).toEqual(new Tagged(65535, 0));
    expect(ok('c1a0')).toThrow();
    expect((decodeCbor(fromHex(`5903e8${'00'.repeat(1000)}`), OUTER_LIMITS) as Uint8Array).length).toBe(1000);
    expect(() => decodeCbor(fromHex(`5903e9${'00'.repeat(1001)}`), OUTER_LIMITS)).toThrow();
    expect(() => decodeCbor(fromHex('5a000f4240' + '00'), OUTER_LIMITS)).toThrow(); // longer than input
    expect(ok('f4')()).toBe(false);
    expect(ok('f5')()).toBe(true);
    expect(ok('f6')()).toBe(null);
    expect(ok('80')()).toEqual([]);
    // undefined, other simple values, two-byte simple, floats, break, reserved, indefinite, trailing
    for (const bad of ['f7', 'f0', 'f8ff', 'f93c00', 'fa3f800000', 'ff', '1c', '5f4100ff', '0000']) {
      expect(ok(bad), bad).toThrow();
    }
  });

  it('the trust list is refused on a kid mismatch or a repeated kid', () => {
    const bad = { ...ctx, trustedKeys: [{ ...ctx.trustedKeys[0]!, kidHex: '0000000000000000' }] };
    expect(() => verifyIndependently(token(claimsMap()), bad)).toThrow(/trust list refused/);
    const twice = { ...ctx, trustedKeys: [ctx.trustedKeys[0]!, ctx.trustedKeys[0]!] };
    expect(() => verifyIndependently(token(claimsMap()), twice)).toThrow(/trust list refused/);
  });
});

// ---------------------------------------------------------------------------------------------
// The revocation feed vectors, through the independent reading of docs/revocation-feed.md.
type FeedVectorFile = {
  cases: {
    label: string;
    description: string;
    trustedKeys: TrustedKey[];
    feedHex: string;
    validationClock: number;
    skewSeconds: number;
    expected: { valid: true; sets: HeldSet[] } | { valid: false; reason: string };
  }[];
  sync: {
    label: string;
    description: string;
    trustedKeys: TrustedKey[];
    skewSeconds: number;
    steps: { feedHex: string; now: number; outcome: string; restored?: boolean; seq: number | null }[];
    held: { window: number; epoch: number; indices: number[] }[];
    lookups: { window: number; epoch: number; index: number; revoked: boolean }[];
  }[];
};
const feedVectors = JSON.parse(readFileSync(new URL('../vectors/tricolor-feed.json', import.meta.url), 'utf8')) as FeedVectorFile;

describe('tricolor-feed vectors, checked by the independent feed reader', () => {
  it('has accepted and refused feeds and sync sequences', () => {
    expect(feedVectors.cases.some((c) => c.expected.valid)).toBe(true);
    expect(feedVectors.cases.some((c) => !c.expected.valid)).toBe(true);
    expect(feedVectors.sync.length).toBeGreaterThan(0);
  });

  for (const c of feedVectors.cases) {
    it(`${c.label}: ${c.description}`, () => {
      const verdict = verifyFeedIndependently(fromHex(c.feedHex), c.trustedKeys, c.validationClock, c.skewSeconds);
      if (!c.expected.valid) {
        expect(verdict).toEqual({ valid: false, reason: c.expected.reason });
        return;
      }
      if (!verdict.valid) throw new Error(verdict.reason);
      const { valid: _, ...expected } = c.expected;
      expect(verdict.feed).toEqual(expected);
    });
  }

  it('delta-100-downgrades is under 2 KB signed', () => {
    const delta = feedVectors.cases.find((c) => c.label === 'delta-100-downgrades')!;
    expect(delta.feedHex.length / 2).toBeLessThan(2048);
  });

  for (const s of feedVectors.sync) {
    it(`sync ${s.label}: ${s.description}`, () => {
      let held: Held | undefined;
      for (const [i, step] of s.steps.entries()) {
        const verdict = verifyFeedIndependently(fromHex(step.feedHex), s.trustedKeys, step.now, s.skewSeconds);
        if (!verdict.valid) throw new Error(`step ${i}: ${verdict.reason}`);
        const result = applyIndependently(held, verdict.feed, step.now, s.skewSeconds);
        expect(result.outcome, `step ${i}`).toBe(step.outcome);
        if ('held' in result) {
          expect(result.restored, `step ${i}`).toBe(step.restored ?? false);
          held = result.held;
        }
        expect(held?.seq ?? null, `step ${i}`).toBe(step.seq);
      }
      const got = [...(held?.sets ?? [])].map(([key, indices]) => {
        const [window, epoch] = key.split('/').map(Number) as [number, number];
        return { window, epoch, indices };
      });
      const order = (a: { window: number; epoch: number }, b: { window: number; epoch: number }) =>
        a.window - b.window || a.epoch - b.epoch;
      expect(got.sort(order)).toEqual([...s.held].sort(order));
      for (const l of s.lookups) expect(isRevokedIndependently(held!, l.window, l.epoch, l.index), JSON.stringify(l)).toBe(l.revoked);
    });
  }
});
