// How long each kind of row is kept (docs/operations.md "What is kept, and for how long"). Pure:
// the policy, the token lifetime and the audit retention in, the cutoffs for `now` out. Every
// window is derived from what reads the rows, so a policy change moves the windows with it.

import { DEFAULT_SKEW_SECONDS, localDate, oldestLiveWindow, type StatusPolicy, shiftDate } from '../../src/index.ts';
import type { Config } from '../config.ts';
import { TUNABLES } from '../tunables.ts';

const DAY_SECONDS = 86_400;

/**
 * Days of check-ins the rules can still use. A red/yellow status not yet released depends only
 * on its live run of clean days, which is shorter than the required count (else it would have
 * released), and the release it leads to comes no sooner than the isolation end
 * (src/status-rules.ts releasePlan). A holder who checks in from the status's first day is
 * released after at most the isolation plus the run, so the whole check-in history of a normal
 * status stays visible to the admin view; the margin covers a release the cron records late
 * (a backlog) and the days an appeal of a status is reviewed with its check-ins in view.
 */
export function checkinRetentionDays(policy: StatusPolicy): number {
  const colors = ['red', 'yellow'] as const;
  const longest = Math.max(...colors.map((c) => policy.isolationDays[c] + policy.requiredCheckins[c]));
  return longest + TUNABLES.checkinRetentionMarginDays;
}

/**
 * A revocation (revokedBefore = T) revokes only tokens issued at or before T, and those expire by
 * T + lifetime; a verifier whose clock lags by the skew still accepts them that much longer.
 * Kept for two lifetimes, which is longer than lifetime + skew for any allowed lifetime (600 s at
 * least): the second lifetime covers a token lifetime later shortened by up to half, and lets a
 * verifier offline for a lifetime catch up with a delta instead of a snapshot
 * (docs/revocation-feed.md "Retention").
 */
export function revocationRetentionSeconds(tokenLifetimeSeconds: number): number {
  return Math.max(TUNABLES.revocationRetentionLifetimes * tokenLifetimeSeconds, tokenLifetimeSeconds + DEFAULT_SKEW_SECONDS);
}

export interface RetentionCutoffs {
  /** Check-ins on local days before this one are deleted. */
  checkinDay: string;
  /** Revocation rows with revokedBefore before this are deleted (the newest row always stays). */
  revokedBefore: number;
  /** Pending key-people rows whose isolation ended at or before this are deleted. */
  pendingExpiredBy: number;
  /** Audit rows and status events recorded before this are deleted. */
  auditBefore: number;
  /**
   * Window indices and domains of windows before this one are deleted: every token issued in
   * them expired more than the verifiers' 300 s skew ago (src/revocation-epoch.ts oldestLiveWindow).
   */
  oldestLiveWindow: number;
}

export function retentionCutoffs(config: Config, now: number): RetentionCutoffs {
  const today = localDate(now, config.policy.timeZone);
  return {
    checkinDay: shiftDate(today, -checkinRetentionDays(config.policy)),
    revokedBefore: now - revocationRetentionSeconds(config.tokenLifetimeSeconds),
    pendingExpiredBy: now,
    auditBefore: now - config.auditRetentionDays * DAY_SECONDS,
    oldestLiveWindow: oldestLiveWindow(now, config.tokenLifetimeSeconds, DEFAULT_SKEW_SECONDS),
  };
}
