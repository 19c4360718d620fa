// Signing keys as verifiers see them, the kid rule, and a signer for the issuer side.

import { defaultEd25519Backend, type Ed25519Backend } from './ed25519.ts';

export type KeyState = 'next' | 'active' | 'retired' | 'revoked';
export const KEY_STATES: readonly KeyState[] = ['next', 'active', 'retired', 'revoked'];

/** A signing key a verifier trusts, as the root-signed trust list describes it. */
export interface TrustedKey {
  /** First 8 bytes of SHA-256 over the raw public key. */
  kid: Uint8Array;
  /** 32-byte raw Ed25519 public key (RFC 8032 §5.1.5). */
  publicKey: Uint8Array;
  state: KeyState;
  /** Signing window, NumericDate seconds: a token verifies only if validFrom <= iat < validUntil. */
  validFrom: number;
  /** End of the signing window; absent while the key may still sign. */
  validUntil?: number;
}

export const KID_LENGTH = 8;

/** kid = SHA-256(raw public key)[0..8]; short enough for the QR, long enough to never collide in one trust list. */
export async function computeKid(publicKey: Uint8Array): Promise<Uint8Array> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', publicKey as Uint8Array<ArrayBuffer>));
  return digest.slice(0, KID_LENGTH);
}

export interface Signer {
  readonly kid: Uint8Array;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Wraps a 32-byte Ed25519 seed. The imported key stays inside the closure and is never serialised. */
export async function createSigner(seed: Uint8Array, backend?: Ed25519Backend): Promise<Signer> {
  const ed = backend ?? (await defaultEd25519Backend());
  const publicKey = await ed.publicKeyFromSeed(seed);
  const kid = await computeKid(publicKey);
  // The seed is imported once; the Worker signs every token and feed through this closure.
  return { kid, publicKey, sign: await ed.signerFor(seed) };
}

export function generateSeed(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}
