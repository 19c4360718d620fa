// What a requested colour change does to a holder's derived status: change it, restart the
// isolation (a new exposure at the same colour), leave it, or refuse the exposure time. Pure; the
// rules and their table are in docs/status-rules.md, one row per test in
// test/core/status-changes.test.ts.

import type { Color } from './claims.ts';
import { DEFAULT_POLICY, type DerivedStatus, isolationEndOf, type StatusPolicy } from './status-rules.ts';

export interface ChangeRequest {
  to: Color;
  /** When the exposure happened (NumericDate seconds); red/yellow only. */
  exposedAt?: number | undefined;
  /**
   * The request reports an exposure at `now` when it names no time: a declaration is a fresh
   * report. Operator changes and list rows restart only with an explicit exposure time, so
   * re-sending the same list changes nothing.
   */
  exposureNow?: boolean;
}

/** Stable codes for why an exposure time is refused. */
export type ExposureRejection = 'exposure_in_future' | 'exposure_too_old' | 'exposure_with_green';

export type ChangeDecision =
  /** A different colour; for red/yellow the isolation counts from `isolationFrom`. */
  | { kind: 'change'; to: Color; isolationFrom?: number }
  /** The same red/yellow colour, isolating again from a later exposure: a new status event. */
  | { kind: 'restart'; to: 'red' | 'yellow'; isolationFrom: number }
  /** Nothing to do: already at that colour, or the exposure ends no later than the current isolation. */
  | { kind: 'unchanged'; why: 'same_status' | 'not_later' }
  /** The isolation this exposure implies has already ended: the holder stays, and the audit says why. */
  | { kind: 'lapsed'; isolationEnd: number };

/** Whether an exposure time may be used at all at `now` (the bound is policy.maxExposureAgeDays). */
export function checkExposure(
  to: Color,
  exposedAt: number | undefined,
  now: number,
  policy: StatusPolicy = DEFAULT_POLICY,
): ExposureRejection | undefined {
  if (exposedAt === undefined) return undefined;
  if (to === 'green') return 'exposure_with_green';
  if (exposedAt > now) return 'exposure_in_future';
  if (exposedAt < now - policy.maxExposureAgeDays * 86400) return 'exposure_too_old';
  return undefined;
}

/** The plain words for each refusal, for API errors and import rejections. */
export const EXPOSURE_REJECTION_MESSAGES: Readonly<Record<ExposureRejection, string>> = {
  exposure_in_future: 'exposedAt is in the future',
  exposure_too_old: 'exposedAt is older than the policy allows',
  exposure_with_green: 'exposedAt applies only to red or yellow',
};

/**
 * Decides a request against the current derived status. The exposure time must already have
 * passed checkExposure. Colours may move either way here; who may ask for which colour (green
 * only by an operator with a reason, declarations only stricter) is the caller's rule.
 */
export function decideChange(
  current: DerivedStatus,
  request: ChangeRequest,
  now: number,
  policy: StatusPolicy = DEFAULT_POLICY,
): ChangeDecision {
  const { to } = request;
  if (to === 'green') return current.color === 'green' ? { kind: 'unchanged', why: 'same_status' } : { kind: 'change', to };
  const exposedAt = request.exposedAt ?? (request.exposureNow ? now : undefined);
  const isolationFrom = exposedAt ?? now;
  const isolationEnd = isolationEndOf(to, isolationFrom, policy);
  if (isolationEnd <= now) return { kind: 'lapsed', isolationEnd };
  if (to !== current.color) return { kind: 'change', to, isolationFrom };
  if (exposedAt === undefined) return { kind: 'unchanged', why: 'same_status' };
  const currentEnd = current.isolationEnd ?? isolationEndOf(to, current.isolationFrom ?? current.since, policy);
  return isolationEnd > currentEnd ? { kind: 'restart', to, isolationFrom } : { kind: 'unchanged', why: 'not_later' };
}
