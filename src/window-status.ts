// The one place that says which window index a token gets and which indices a downgrade lists
// (docs/feed-privacy.md): the token side and the feed side must agree exactly, so both call these.

import { revokedReferences, tokenEpoch } from './revocation-epoch.ts';
import { DEFAULT_SKEW_SECONDS } from './verify.ts';
import { WINDOW_SECONDS, windowIndex, windowOf, windowPermutation } from './window-pseudonym.ts';

export interface WindowStatusReference {
  window: number;
  epoch: number;
  /** The token's index in the (window, epoch) set of the feed. */
  index: number;
}

/** The domain the issuer fixed for a window (docs/feed-privacy.md "Domain"). */
export type WindowDomain = (window: number) => number;

/** What a token of `slot` issued at `iat` carries, given the holder's recent downgrade cuts. */
export function tokenStatusReference(
  feedKey: Uint8Array,
  slot: number,
  cuts: readonly number[],
  iat: number,
  domainOf: WindowDomain,
  windowSeconds = WINDOW_SECONDS,
): WindowStatusReference {
  const window = windowOf(iat, windowSeconds);
  const epoch = tokenEpoch(cuts, iat, windowSeconds);
  return { window, epoch, index: windowIndex(windowPermutation(feedKey, window, epoch, domainOf(window)), slot) };
}

/** The indices a downgrade of `slot` with cut `cut` adds to the feed, one per live window. */
export function downgradeStatusReferences(
  feedKey: Uint8Array,
  slot: number,
  earlierCuts: readonly number[],
  cut: number,
  maxTokenLifetime: number,
  domainOf: WindowDomain,
  skewSeconds = DEFAULT_SKEW_SECONDS,
  windowSeconds = WINDOW_SECONDS,
): WindowStatusReference[] {
  return revokedReferences(earlierCuts, cut, maxTokenLifetime, skewSeconds, windowSeconds).map(({ window, epoch }) => ({
    window,
    epoch,
    index: windowIndex(windowPermutation(feedKey, window, epoch, domainOf(window)), slot),
  }));
}
