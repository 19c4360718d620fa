// Differential check of the strict decoder against cbor-x, an independent, widely used CBOR
// implementation: every input the strict decoder accepts must mean the same thing to cbor-x.
// (The converse does not hold on purpose: the strict decoder refuses indefinite lengths, floats,
// duplicate keys and more that cbor-x accepts; docs/token-format.md "Decoding limits".)
// Case counts scale with FUZZ_RUNS (npm run fuzz).
import { Decoder, Encoder, Tag } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborTagged, type CborValue, decodeCbor, encodeCbor } from '../../src/index.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
// Maps stay Maps and no record extension (STYLE: cbor-x defaults to a non-standard "records" tag).
const reference = new Decoder({ mapsAsObjects: false, useRecords: false });
const referenceEncoder = new Encoder({ mapsAsObjects: false, useRecords: false, tagUint8Array: false });

/** A comparable plain form, or undefined when cbor-x gave the item a JS meaning of its own (Date, BigInt, Set ...). */
type Plain = number | string | boolean | null | { bytes: string } | { tag: number; value: Plain } | Plain[] | { map: [Plain, Plain][] };

function fromStrict(v: CborValue): Plain {
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (v instanceof CborTagged) return { tag: v.tag, value: fromStrict(v.value) };
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [fromStrict(k), fromStrict(x)] as [Plain, Plain]) };
  if (Array.isArray(v)) return v.map(fromStrict);
  return v;
}

function fromReference(v: unknown): Plain | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (v instanceof Uint8Array && (v.constructor === Uint8Array || Buffer.isBuffer(v))) return { bytes: Buffer.from(v).toString('hex') };
  if (v instanceof Tag) {
    const inner = fromReference(v.value);
    return inner === undefined ? undefined : { tag: v.tag, value: inner };
  }
  if (v instanceof Map) {
    const pairs: [Plain, Plain][] = [];
    for (const [k, x] of v) {
      const pk = fromReference(k);
      const px = fromReference(x);
      if (pk === undefined || px === undefined) return undefined;
      pairs.push([pk, px]);
    }
    return { map: pairs };
  }
  if (Array.isArray(v)) {
    const items = v.map(fromReference);
    return items.some((i) => i === undefined) ? undefined : (items as Plain[]);
  }
  return undefined; // Date, BigInt, Set, typed arrays, undefined ...: a meaning the strict decoder never gives
}

// Tags that cbor-x turns into JS values of its own (dates, bignums, decimal fractions, typed arrays,
// sets, shared references, records, packed CBOR prefixes and suffixes, the self-describe marker):
// its decode.js registers these. The
// strict decoder keeps every tag as a plain CborTagged, so these items have nothing to compare.
const CBOR_X_INTERPRETED_TAGS = new Set([0, 1, 2, 3, 4, 5, 6, 14, 15, 25, 27, 28, 29, 51, 105, 256, 258, 259, 55799, 0x53687264]);
const CBOR_X_INTERPRETED_RANGES: [number, number][] = [
  [64, 87],
  [216, 255],
  [0xe000, 0xffff],
  [27647, 32767],
  [1811939328, 2147483647],
];
const interpretedByCborX = (tag: number) =>
  CBOR_X_INTERPRETED_TAGS.has(tag) || CBOR_X_INTERPRETED_RANGES.some(([low, high]) => tag >= low && tag <= high);

function hasInterpretedTag(v: CborValue): boolean {
  if (v instanceof CborTagged) return interpretedByCborX(v.tag) || hasInterpretedTag(v.value);
  if (v instanceof Map) return [...v].some(([k, x]) => hasInterpretedTag(k) || hasInterpretedTag(x));
  if (Array.isArray(v)) return v.some(hasInterpretedTag);
  return false;
}

/** Decodes with both; returns whether the strict decoder accepted, and compares when it did. */
function compare(bytes: Uint8Array): 'accepted' | 'refused' | 'incomparable' {
  let strict: CborValue;
  try {
    strict = decodeCbor(bytes);
  } catch {
    return 'refused';
  }
  if (hasInterpretedTag(strict)) return 'incomparable';
  let other: unknown;
  try {
    other = reference.decode(bytes);
  } catch (e) {
    throw new Error(`the strict decoder accepted ${Buffer.from(bytes).toString('hex')}, cbor-x refused it: ${(e as Error).message}`);
  }
  const plain = fromReference(other);
  if (plain === undefined) return 'incomparable';
  expect(fromStrict(strict), Buffer.from(bytes).toString('hex')).toEqual(plain);
  return 'accepted';
}

const key = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 8 }));
const { value } = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.constantFrom(0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
    fc.string({ maxLength: 20, unit: 'binary' }),
    fc.uint8Array({ maxLength: 20 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 4, selector: ([k]) => `${typeof k}:${k}` }).map((pairs) => new Map(pairs)),
    fc.tuple(fc.constantFrom(18, 61, 96, 1000), tie('value')).map(([tag, inner]) => new CborTagged(tag, inner)),
  ),
}));

describe('strict CBOR decoder against cbor-x', () => {
  it('decodes its own deterministic encodings to what cbor-x decodes', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(compare(encodeCbor(v))).not.toBe('refused');
      }),
      { numRuns: RUNS },
    );
  });

  it('agrees with cbor-x on every mutation of a valid encoding that it still accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(value, fc.nat(), fc.nat(255), (v, at, byte) => {
        const bytes = encodeCbor(v);
        bytes[at % bytes.length] = byte;
        if (compare(bytes) === 'accepted') accepted++;
      }),
      { numRuns: RUNS * 4 },
    );
    // Enough mutants are accepted for the comparison to mean something.
    expect(accepted).toBeGreaterThan(RUNS / 2);
  });

  it('agrees with cbor-x on what cbor-x itself encodes, whenever it accepts it', () => {
    fc.assert(
      fc.property(value, (v) => {
        compare(new Uint8Array(referenceEncoder.encode(toReferenceValue(v))));
      }),
      { numRuns: RUNS },
    );
  });

  it('agrees with cbor-x on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), (bytes) => {
        compare(bytes);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

function toReferenceValue(v: CborValue): unknown {
  if (v instanceof CborTagged) return new Tag(toReferenceValue(v.value), v.tag);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, toReferenceValue(x)]));
  if (Array.isArray(v)) return v.map(toReferenceValue);
  return v;
}
