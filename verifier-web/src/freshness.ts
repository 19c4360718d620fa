// How much to trust what the device holds right now: the age of the revocation data, the trust
// list's health and the device clock. Pure; the status bar and the verdict screen render it.
import { assessTrustList, type TrustList } from '../../src/index.ts';

export interface FreshnessInput {
  now: number;
  list: TrustList | undefined;
  /**
   * The signed issuedAt of the newest feed confirming the held revocations (issuer clock): the
   * only time that proves how current they are (docs/revocation-feed.md "Freshness").
   */
  revocationsSignedAt: number | undefined;
  /** The signed time of a snapshot that showed the issuer had been restored, if one did. */
  restoredAt?: number;
  /** deviceClock - serverDate measured at the last sync (seconds), if ever measured. */
  clockOffsetSeconds: number | undefined;
  staleAfterSeconds: number;
  trustListMaxAgeSeconds: number;
}

export type Warning =
  | { kind: 'no_trust_list' }
  | { kind: 'no_revocations' }
  | { kind: 'stale'; ageSeconds: number }
  | { kind: 'issuer_restored'; ageSeconds: number }
  | { kind: 'trust_list_old'; ageSeconds: number }
  | { kind: 'clock_ahead'; seconds: number }
  | { kind: 'clock_behind'; seconds: number };

export interface Freshness {
  revocationsAgeSeconds: number | undefined;
  /**
   * The trust list's age (since its issuedAt) once it is past its nextUpdate, else undefined:
   * before nextUpdate the list is current by its signer's word and its age is not news.
   */
  trustListAgeSeconds: number | undefined;
  warnings: Warning[];
}

/** A clock within two minutes of the server's is fine: that absorbs network delay and Date's 1 s resolution. */
export const CLOCK_TOLERANCE_SECONDS = 120;

export function assessFreshness(input: FreshnessInput): Freshness {
  const warnings: Warning[] = [];
  const { now, list } = input;
  // Signed times are on the issuer's clock: read them on it too (offset = device - server).
  const issuerNow = now - (input.clockOffsetSeconds ?? 0);
  const revocationsAgeSeconds = input.revocationsSignedAt === undefined ? undefined : Math.max(0, issuerNow - input.revocationsSignedAt);
  // Data older than a token lifetime can miss a revocation of every live token: whatever the
  // setting, it is stale by then (docs/verifier.md "Settings").
  const staleAfterSeconds = Math.min(input.staleAfterSeconds, list?.maxTokenLifetime ?? Number.POSITIVE_INFINITY);
  if (!list) warnings.push({ kind: 'no_trust_list' });
  if (revocationsAgeSeconds === undefined) {
    if (list) warnings.push({ kind: 'no_revocations' });
  } else if (revocationsAgeSeconds > staleAfterSeconds) {
    warnings.push({ kind: 'stale', ageSeconds: revocationsAgeSeconds });
  }
  // After an issuer restore, revocations it lost may be missing until it re-applies them; the
  // warning lasts a token lifetime, after which every token issued before the restore is dead.
  if (input.restoredAt !== undefined) {
    const sinceRestore = Math.max(0, issuerNow - input.restoredAt);
    if (sinceRestore < (list?.maxTokenLifetime ?? 86400)) warnings.push({ kind: 'issuer_restored', ageSeconds: sinceRestore });
  }
  let clockBehind = 0;
  let trustListAgeSeconds: number | undefined;
  if (list) {
    // docs/trust-list.md step 7: a list "issued" in our future means our clock is behind.
    const health = assessTrustList(list, now, input.trustListMaxAgeSeconds, CLOCK_TOLERANCE_SECONDS);
    clockBehind = health.clockBehindSeconds;
    // Step 8: past nextUpdate keep verifying but show the age; past the configured limit as well,
    // the age becomes a warning on every verdict. A list still inside its nextUpdate is never
    // flagged, however low the limit: it is the newest the signer says there is.
    if (health.pastNextUpdate) {
      trustListAgeSeconds = health.ageSeconds;
      if (health.tooOld) warnings.push({ kind: 'trust_list_old', ageSeconds: health.ageSeconds });
    }
  }
  const offset = input.clockOffsetSeconds ?? 0;
  if (offset > CLOCK_TOLERANCE_SECONDS) warnings.push({ kind: 'clock_ahead', seconds: offset });
  else if (offset < -CLOCK_TOLERANCE_SECONDS || clockBehind > 0)
    warnings.push({ kind: 'clock_behind', seconds: Math.max(-offset, clockBehind) });
  return { revocationsAgeSeconds, trustListAgeSeconds, warnings };
}
