// Shared test fixtures for the core: real keys, real signatures, pinned clocks.
import {
  CborTagged,
  type CborValue,
  createSigner,
  encodeBase45,
  encodeCbor,
  generateSeed,
  type Signer,
  TOKEN_PREFIX,
  type TokenClaims,
  type TrustedKey,
} from '../../src/index.ts';

/** 2026-03-01T00:00:00Z, a fixed clock for every core test. */
export const T0 = 1772323200;

export async function newSigner(): Promise<Signer> {
  return createSigner(generateSeed());
}

export function trusted(signer: Signer, overrides: Partial<TrustedKey> = {}): TrustedKey {
  return { kid: signer.kid, publicKey: signer.publicKey, state: 'active', validFrom: T0 - 86400, ...overrides };
}

export function greenClaims(overrides: Partial<TokenClaims> = {}): TokenClaims {
  return { iss: 'ZJ', iat: T0, exp: T0 + 86400, color: 'green', windowIndex: 4242, ...overrides };
}

/** QR text for arbitrary COSE-shaped CBOR, to build structurally hostile tokens. */
export function qrOf(value: CborValue): string {
  return TOKEN_PREFIX + encodeBase45(encodeCbor(value));
}

export function tagged(value: CborValue, tag = 18): CborTagged {
  return new CborTagged(tag, value);
}
