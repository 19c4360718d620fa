// Token issuance. Writes nothing to D1, so token fetches scale on read replicas; revocation is by
// window index and time instead (docs/feed-privacy.md): the token carries its index in the feed's
// set for (windowOf(iat), revocation epoch), derived from the holder's slot and recent cuts by
// src/window-status.ts tokenStatusReference, and no permanent pseudonym.
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

import {
  type DerivedStatus,
  signToken,
  type TokenClaims,
  toHex,
  tokenEpoch,
  tokenStatusReference,
  WINDOW_SECONDS,
  windowOf,
} from '../../src/index.ts';
import { DomainError } from '../domain-errors.ts';
import type { ActiveSigner } from '../trust/signer.ts';
import { TUNABLES } from '../tunables.ts';
import { Lru } from './lru.ts';

export interface IssueInput {
  issuer: string;
  maskedName: string;
  /** The binding (docs/token-format.md "Binding"); null for holders from before sign-in. */
  birthYear: number | null;
  status: DerivedStatus;
  /** The holder's slot and its recent revocation cuts: what the window index and epoch come from. */
  slot: number;
  cuts: readonly number[];
  lifetimeSeconds: number;
  now: number;
}

/** Each window's domain and feed key (worker/feed/window-domains.ts). */
export interface WindowIndexing {
  windowOf(window: number): Promise<{ domain: number; key: Uint8Array }>;
}

export interface IssuedToken {
  token: string;
  claims: TokenClaims;
}

/** The token's iat and exp (the rules above). */
export function tokenTimes(input: Pick<IssueInput, 'status' | 'lifetimeSeconds' | 'now'>, validFrom: number): { iat: number; exp: number } {
  const window = Math.floor(input.lifetimeSeconds / 4);
  const windowStart = Math.floor((input.now - TUNABLES.replicaLagAllowanceSeconds) / window) * window;
  const iat = Math.max(windowStart, input.status.since + TUNABLES.revocationMarginSeconds + 1, validFrom);
  return { iat, exp: iat + input.lifetimeSeconds };
}

export function tokenClaims(input: IssueInput, iat: number, reference: { epoch: number; index: number }): TokenClaims {
  const claims: TokenClaims = {
    iss: input.issuer,
    iat,
    exp: iat + input.lifetimeSeconds,
    color: input.status.color,
    windowIndex: reference.index,
  };
  if (reference.epoch > 0) claims.revocationEpoch = reference.epoch;
  if (input.status.color !== 'green' && input.status.until !== undefined) claims.statusEnds = input.status.until;
  if (input.maskedName) claims.maskedName = input.maskedName;
  if (input.birthYear !== null) claims.birthYear = input.birthYear;
  return claims;
}

export class TokenIssuer {
  readonly #cache: Lru<string, IssuedToken>;

  constructor(maxEntries: number) {
    this.#cache = new Lru(maxEntries);
  }

  async issue(input: IssueInput, active: ActiveSigner, indexing: WindowIndexing): Promise<IssuedToken> {
    const { iat, exp } = tokenTimes(input, active.key.validFrom);
    // The index is a function of (feed key, slot, window, epoch, domain), and each window's key
    // and domain never change once fixed, so the slot, iat and epoch stand in for it in the cache key.
    const epoch = tokenEpoch(input.cuts, iat);
    const cacheKey = [
      toHex(active.key.kid),
      input.issuer,
      input.slot,
      epoch,
      iat,
      exp,
      input.status.color,
      input.status.color !== 'green' ? (input.status.until ?? '') : '',
      input.maskedName,
      input.birthYear ?? '',
    ].join('|');
    let issued = this.#cache.get(cacheKey);
    if (issued === undefined) {
      const window = windowOf(iat);
      const { domain, key } = await indexing.windowOf(window);
      if (input.slot >= domain) {
        // Enrolled after the window's domain was fixed, beyond its headroom: the next window's
        // domain includes the holder (docs/feed-privacy.md "Domain").
        const retryAfter = Math.max(1, (window + 1) * WINDOW_SECONDS - input.now);
        throw new DomainError(
          'code_not_yet_available',
          'Your first code is available from the next issuance window; try again later.',
          retryAfter,
        );
      }
      const reference = tokenStatusReference(key, input.slot, input.cuts, iat, () => domain);
      const claims = tokenClaims(input, iat, reference);
      issued = { token: (await signToken(claims, active.signer)).text, claims };
      this.#cache.set(cacheKey, issued);
    }
    return issued;
  }
}
