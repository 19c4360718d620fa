// Token issuance. Writes nothing to D1, so token fetches scale on read replicas; revocation is by
// holder and time instead (docs/revocation-feed.md).
//
// Deterministic within a window: iat is the start of the quarter-lifetime window that contains
// now - replicaLagAllowance, so every fetch in that window yields the same claims and the same
// bytes (Ed25519 is deterministic), and a bounded in-isolate LRU skips re-signing. A token
// fetched at any moment has at least 75% of its lifetime, less the allowance, left.
//
// Why the allowance: the token route reads from a D1 read replica, which may not yet have seen a
// downgrade recorded at T. A token it signs for the old status then has iat at most
// now - allowance, which is <= T + margin (so revoked) for any replica lag up to
// allowance + margin. Without it, a window boundary passing between T and the stale read would
// give the old status a fresh, unrevoked token.
//
// iat is never earlier than:
// - status `since` + margin + 1, with margin = TUNABLES.revocationMarginSeconds. A downgrade
//   recorded at T (always later than the previous status's since) revokes every token with
//   iat <= T + margin, and becomes the new since; later statuses only start later. So
//   * a token for the new status (iat >= T + margin + 1) is never revoked by that entry, and
//   * every token for the old status is: its iat is at most max(issuing time, old since +
//     margin + 1) <= T + margin, even when it was signed by a request that read the old
//     status just before the downgrade committed, up to `margin` seconds later;
// - the signing key's validFrom: a key vouches only for tokens inside its window (trust-list.md).
// iat may thus lie a few seconds ahead of the clock; verifiers allow 300 s of skew.

import { type DerivedStatus, signToken, type TokenClaims, toHex } from '../../src/index.ts';
import type { ActiveSigner } from '../trust/signer.ts';
import { TUNABLES } from '../tunables.ts';
import { Lru } from './lru.ts';

export interface IssueInput {
  issuer: string;
  sub: string;
  maskedName: string;
  /** The binding (docs/token-format.md "Binding"); null for holders from before sign-in. */
  birthYear: number | null;
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
  const windowStart = Math.floor((input.now - TUNABLES.replicaLagAllowanceSeconds) / window) * window;
  const iat = Math.max(windowStart, input.status.since + TUNABLES.revocationMarginSeconds + 1, validFrom);
  const claims: TokenClaims = { iss: input.issuer, sub: input.sub, iat, exp: iat + input.lifetimeSeconds, color: input.status.color };
  if (input.status.color !== 'green' && input.status.until !== undefined) claims.statusEnds = input.status.until;
  if (input.maskedName) claims.maskedName = input.maskedName;
  if (input.birthYear !== null) claims.birthYear = input.birthYear;
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
    const cacheKey = [
      toHex(active.key.kid),
      claims.iss,
      claims.sub,
      claims.iat,
      claims.exp,
      claims.color,
      claims.statusEnds ?? '',
      claims.maskedName ?? '',
      claims.birthYear ?? '',
    ].join('|');
    let token = this.#cache.get(cacheKey);
    if (token === undefined) {
      token = (await signToken(claims, active.signer)).text;
      this.#cache.set(cacheKey, token);
    }
    return { token, claims };
  }
}
