// Reads the claims out of the holder's own token for display (colour, masked name, expiry).
// Display only: the wallet does not verify its token; checkpoints do.
import { decodeBase45, decodeClaims, parseSign1, TOKEN_PREFIX, type TokenClaims } from '../../../src/index.ts';

export function readTokenClaims(text: string): TokenClaims | undefined {
  if (!text.startsWith(TOKEN_PREFIX)) return undefined;
  try {
    const decoded = decodeClaims(parseSign1(decodeBase45(text.slice(TOKEN_PREFIX.length))).payload);
    return decoded.ok ? decoded.claims : undefined;
  } catch {
    return undefined;
  }
}

/** Fetch a new token once less than this share of its lifetime is left (or less than an hour). */
export function tokenNeedsRefresh(claims: TokenClaims, now: number): boolean {
  const left = claims.exp - now;
  return left <= Math.max(3600, (claims.exp - claims.iat) / 4);
}
