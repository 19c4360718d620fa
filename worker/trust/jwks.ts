// /.well-known/jwks.json: the unsigned, tooling-friendly view of the trust list's keys as
// OKP/Ed25519 JWKs (RFC 8037 §2). It lists every key whose tokens may still be live: next and
// active keys, and retired keys until validUntil + the longest token lifetime has passed. Revoked
// keys never appear: nothing they signed may be trusted.

import { type TrustedKey, toBase64Url } from '../../src/index.ts';

export interface Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export function mayHaveLiveTokens(key: TrustedKey, now: number, maxTokenLifetime: number): boolean {
  if (key.state === 'revoked') return false;
  if (key.state === 'retired') return key.validUntil === undefined || key.validUntil + maxTokenLifetime > now;
  return true;
}

export function jwksOf(keys: readonly TrustedKey[], now: number, maxTokenLifetime: number): { keys: Jwk[] } {
  return {
    keys: keys
      .filter((k) => mayHaveLiveTokens(k, now, maxTokenLifetime))
      .map((k) => ({ kty: 'OKP', crv: 'Ed25519', x: toBase64Url(k.publicKey), kid: toBase64Url(k.kid), alg: 'EdDSA', use: 'sig' })),
  };
}
