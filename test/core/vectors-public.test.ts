// Public vectors (RFC 8032, RFC 9285, COSE WG Examples, Wycheproof) run through the library,
// once per Ed25519 backend. Provenance of each file: test/vectors/README.md.
import { describe, expect, it } from 'vitest';
import {
  Base45Error,
  decodeBase45,
  type Ed25519Backend,
  encodeBase45,
  fromHex,
  nobleEd25519,
  nodeEd25519,
  parseSign1,
  sigStructure,
  toHex,
  webCryptoEd25519,
} from '../../src/index.ts';
import cose from '../vectors/cose-eddsa-sig-01.json' with { type: 'json' };
import rfc8032 from '../vectors/rfc8032-ed25519.json' with { type: 'json' };
import rfc9285 from '../vectors/rfc9285-base45.json' with { type: 'json' };
import wycheproof from '../vectors/wycheproof-ed25519.json' with { type: 'json' };

const backends: Ed25519Backend[] = [nodeEd25519, webCryptoEd25519, nobleEd25519];

describe.each(backends.map((b) => [b.name, b] as const))('Ed25519 via %s', (_name, backend) => {
  it.each(rfc8032.cases.map((c) => [c.label, c] as const))(
    'RFC 8032 §7.1 %s: derives the key, signs exactly, verifies',
    async (_label, c) => {
      const seed = fromHex(c.secretKey);
      expect(toHex(await backend.publicKeyFromSeed(seed))).toBe(c.publicKey);
      // Ed25519 is deterministic (RFC 8032 §5.1.6), so the signature must match byte for byte.
      expect(toHex(await backend.sign(seed, fromHex(c.message)))).toBe(c.signature);
      const key = await backend.importPublicKey(fromHex(c.publicKey));
      expect(await backend.verify(key, fromHex(c.message), fromHex(c.signature))).toBe(true);
    },
  );

  it.each(wycheproof.cases.map((c) => [c.label, c] as const))('Wycheproof %s', async (_label, c) => {
    const key = await backend.importPublicKey(fromHex(c.publicKeyHex));
    const ok = await backend.verify(key, fromHex(c.msg), fromHex(c.sig));
    expect(ok).toBe(c.result === 'valid');
  });

  it('COSE WG eddsa-sig-01: rebuilds the Sig_structure from the received bytes and verifies', async () => {
    const c = cose.cases.find((x) => x.curve === 'Ed25519')!;
    const parsed = parseSign1(fromHex(c.cborHex));
    expect(toHex(parsed.protectedBytes)).toBe(c.protectedHex);
    expect(toHex(parsed.payload)).toBe(c.payload);
    expect(toHex(parsed.signature)).toBe(c.signatureHex);
    const toBeSigned = sigStructure(parsed.protectedBytes, parsed.payload);
    expect(toHex(toBeSigned)).toBe(c.toBeSignedHex);
    const key = await backend.importPublicKey(fromHex(c.publicKeyHex));
    expect(await backend.verify(key, toBeSigned, parsed.signature)).toBe(true);
    // One flipped payload bit must break it.
    const tampered = toBeSigned.slice();
    tampered[tampered.length - 1]! ^= 1;
    expect(await backend.verify(key, tampered, parsed.signature)).toBe(false);
  });
});

describe('base45 (RFC 9285)', () => {
  it.each(rfc9285.cases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    expect(encodeBase45(fromHex(c.bytesHex))).toBe(c.base45);
    expect(toHex(decodeBase45(c.base45))).toBe(c.bytesHex);
  });

  it.each(rfc9285.invalid.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    expect(() => decodeBase45(c.base45)).toThrow(Base45Error);
  });

  it('rejects a length of 1 mod 3, characters outside the alphabet, and an oversized pair', () => {
    expect(() => decodeBase45('A')).toThrow(/1 modulo 3/);
    expect(() => decodeBase45('BBa')).toThrow(/alphabet/);
    expect(() => decodeBase45('BB\u00e9')).toThrow(/alphabet/);
    expect(() => decodeBase45('::')).toThrow(/pair/); // 44 + 44*45 = 2024 > 255
  });
});
