// Token issuance. Writes nothing to D1, so token fetches scale on read replicas; revocation is by
// holder and time instead (docs/revocation-feed.md).
//
// Deterministic within a window: iat is the start of the current quarter-lifetime window, so
// every fetch in that window yields the same claims and the same bytes (Ed25519 is
// deterministic), and a bounded in-isolate LRU skips re-signing. A token fetched at any moment
// has at least 75% of its lifetime left. iat is never earlier than:
// - status `since` + 1: a downgrade at T revokes every token with iat <= T (the revocation's
//   revokedBefore is the downgrade's `at`, which becomes `since`; later statuses only start
//   later), so a token for the new status must have iat > T, or the feed would revoke it too;
// - the signing key's validFrom: a key vouches only for tokens inside its window (trust-list.md).

import { signToken, toHex, type DerivedStatus, type TokenClaims } from '../../src/index.ts';
import type { ActiveSigner } from '../keys/signer.ts';
import { Lru } from './lru.ts';

export interface IssueInput {
  issuer: string;
  sub: string;
  maskedName: string;
  status: DerivedStatus;
  lifetimeSeconds: number;
  now: number;
}

export interface IssuedToken {
  token: string;
  claims: TokenClaims;
}

export function tokenClaims(input: IssueInput, validFrom: number): TokenClaims {
  const window = Math.floor(input.lifetimeSeconds / 4);
  const windowStart = Math.floor(input.now / window) * window;
  const iat = Math.max(windowStart, input.status.since + 1, validFrom);
  const claims: TokenClaims = { iss: input.issuer, sub: input.sub, iat, exp: iat + input.lifetimeSeconds, color: input.status.color };
  if (input.status.color !== 'green' && input.status.until !== undefined) claims.statusEnds = input.status.until;
  if (input.maskedName) claims.maskedName = input.maskedName;
  return claims;
}

export class TokenIssuer {
  readonly #cache: Lru<string, string>;

  constructor(maxEntries: number) {
    this.#cache = new Lru(maxEntries);
  }

  async issue(input: IssueInput, active: ActiveSigner): Promise<IssuedToken> {
    const claims = tokenClaims(input, active.key.validFrom);
    // The key covers everything that determines the bytes: signing key and every claim.
    const cacheKey = [toHex(active.key.kid), claims.iss, claims.sub, claims.iat, claims.exp, claims.color, claims.statusEnds ?? '', claims.maskedName ?? ''].join('|');
    let token = this.#cache.get(cacheKey);
    if (token === undefined) {
      token = (await signToken(claims, active.signer)).text;
      this.#cache.set(cacheKey, token);
    }
    return { token, claims };
  }
}
