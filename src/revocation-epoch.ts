// Revocation epochs (docs/feed-privacy.md "Same window, after a downgrade"): a downgrade must
// revoke a holder's tokens of a window issued up to its cut (revokedBefore), but not the ones
// issued later in the same window. A token's epoch counts the holder's downgrade cuts in its
// window that came before its iat, so tokens after a downgrade get a fresh window index. Both
// sides compute it from the same data the status comes from, so no write happens at issuance.

import { DEFAULT_SKEW_SECONDS } from './verify.ts';
import { MAX_REVOCATION_EPOCH, WINDOW_SECONDS, windowOf } from './window-pseudonym.ts';

/** The epoch of a token issued at `iat`: downgrade cuts in iat's window strictly before iat. */
export function tokenEpoch(cuts: readonly number[], iat: number, windowSeconds = WINDOW_SECONDS): number {
  const window = windowOf(iat, windowSeconds);
  let epoch = 0;
  for (const cut of cuts) if (cut < iat && windowOf(cut, windowSeconds) === window) epoch++;
  // Past the cap the epoch stays at the cap, whose index the last downgrade has revoked: the
  // holder's next tokens in this window are refused, which errs on the side of caution.
  return Math.min(epoch, MAX_REVOCATION_EPOCH);
}

export interface WindowReference {
  window: number;
  epoch: number;
}

/**
 * What a downgrade with cut `cut` revokes: in every window that can still hold a token some
 * verifier accepts (from the window of `cut − maxTokenLifetime − skewSeconds`, since a verifier
 * whose clock lags by the skew still accepts a token that long after it expired, to the window of
 * `cut`), the epoch of the tokens issued last before the cut. Tokens of earlier epochs there were
 * revoked by the earlier cuts. `earlierCuts` are the holder's previous cuts within the same span.
 */
export function revokedReferences(
  earlierCuts: readonly number[],
  cut: number,
  maxTokenLifetime: number,
  skewSeconds = DEFAULT_SKEW_SECONDS,
  windowSeconds = WINDOW_SECONDS,
): WindowReference[] {
  const references: WindowReference[] = [];
  const last = windowOf(cut, windowSeconds);
  for (let window = windowOf(cut - maxTokenLifetime - skewSeconds, windowSeconds); window <= last; window++) {
    let epoch = 0;
    for (const earlier of earlierCuts) if (earlier < cut && windowOf(earlier, windowSeconds) === window) epoch++;
    references.push({ window, epoch: Math.min(epoch, MAX_REVOCATION_EPOCH) });
  }
  return references;
}

/**
 * The oldest window a verifier must still keep at `now`: tokens issued in any earlier window
 * expired more than `skewSeconds` ago.
 */
export function oldestLiveWindow(now: number, maxTokenLifetime: number, skewSeconds: number, windowSeconds = WINDOW_SECONDS): number {
  return windowOf(now - maxTokenLifetime - skewSeconds, windowSeconds);
}
