// Runs test/vectors/tricolor-v1.json through the independent verifier: if a vector and a
// reading of docs/token-format.md that shares no code with src/ disagree, one of them is wrong.
import { readFileSync } from 'node:fs';
import { Decoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import {
  base45Decode,
  decodeClaims,
  scanCbor,
  verifyIndependently,
  type Claims,
  type Revocation,
  type TrustedKey,
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
  expected: Expected;
};
type VectorFile = { cases: VectorCase[] };

const file = new URL('../vectors/tricolor-v1.json', import.meta.url);
const vectors = JSON.parse(readFileSync(file, 'utf8')) as VectorFile;
const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const cbor = new Decoder({ mapsAsObjects: false, useRecords: false });

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
      });
      const got = verdict.valid
        ? { valid: true, color: verdict.claims.color }
        : { valid: false, reason: verdict.reason };
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
      const root = scanCbor(cose, { maxDepth: 3, maxItems: 8 });
      expect(root.tags).toEqual([18]);
      const payloadNode = root.children[2]!;
      expect(payloadNode.major).toBe(2);
      const payload: unknown = cbor.decode(cose.subarray(payloadNode.contentStart, payloadNode.end));
      expect(payload).toBeInstanceOf(Uint8Array);
      expect(toHex(payload as Uint8Array)).toBe(c.cborHex);
    });
  }
});
