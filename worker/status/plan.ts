// Plans a holder's status writes from the pure rules in src/status-rules.ts. Pure: takes the
// materialised holder row, its check-ins and `now`, returns the steps to record. Every writer
// (enrolment, check-in, operator, import, cron) goes through here, so they all agree with what
// the token endpoint derives lazily.

import {
  type Checkin,
  type Color,
  type DerivedStatus,
  deriveStatus,
  type EventSource,
  isDowngrade,
  localDate,
  type StatusEvent,
  type StatusPolicy,
} from '../../src/index.ts';

export type ActorType = 'operator' | 'import' | 'rule' | 'declaration' | 'holder' | 'system';

/** The materialised status a holder row carries (worker/db/schema.ts). */
export interface StoredStatus {
  color: Color;
  since: number;
}

/** One status event to record, with its audit facts. */
export interface StatusStep {
  at: number;
  from: Color;
  to: Color;
  source: EventSource;
  actorType: ActorType;
  actor: string;
  reason: string;
}

/** A change someone asks for, decided against the current derived status. */
export type Request = Omit<StatusStep, 'at' | 'from'>;

export interface StatusPlan {
  /** Status before anything in this plan (rule releases already due included). */
  current: DerivedStatus;
  /** In order: any due rule release first, then the requested change, then any release it allows. */
  steps: StatusStep[];
  /** True when the requested change itself is among the steps. */
  requestApplied: boolean;
  /** The status after every step, as the holder row will carry it. */
  after: DerivedStatus;
}

/**
 * deriveStatus needs only the latest event (the latest event sets colour and `since`), which the
 * holder row materialises; the source of that event does not affect the result.
 */
export function latestEventOf(stored: StoredStatus): StatusEvent {
  return { at: stored.since, color: stored.color, source: 'rule' };
}

/** The local day the status began: check-ins before it cannot count (see loadCheckins). */
export function checkinWindowStart(stored: StoredStatus, policy: StatusPolicy): string {
  return localDate(stored.since, policy.timeZone);
}

export function currentStatus(stored: StoredStatus, checkins: readonly Checkin[], now: number, policy: StatusPolicy): DerivedStatus {
  return deriveStatus([latestEventOf(stored)], checkins, now, policy);
}

/**
 * @param decide called with the current derived status; returns the change to make, if any.
 * @param ruleActor who triggered the write, recorded on rule steps ("cron", "checkin", an operator).
 */
export function planStatus(
  stored: StoredStatus,
  checkins: readonly Checkin[],
  now: number,
  policy: StatusPolicy,
  decide: (current: DerivedStatus) => Request | undefined,
  ruleActor: string,
): StatusPlan {
  const events: StatusEvent[] = [latestEventOf(stored)];
  const steps: StatusStep[] = [];
  let color = stored.color;
  const settle = (): DerivedStatus => {
    // A rule release is recorded at the exact moment the rules allowed it (dueTransition's `at`).
    // Bounded: a release yields green, which the rules never change again.
    for (let i = 0; i < 2; i++) {
      const derived = deriveStatus(events, checkins, now, policy);
      if (!derived.byRule) return derived;
      steps.push({
        at: derived.since,
        from: color,
        to: derived.color,
        source: 'rule',
        actorType: 'rule',
        actor: ruleActor,
        reason: releaseReason(color),
      });
      events.push({ at: derived.since, color: derived.color, source: 'rule' });
      color = derived.color;
    }
    throw new Error('status rules did not settle');
  };
  const current = settle();
  const request = decide(current);
  let requestApplied = false;
  if (request && request.to !== current.color) {
    // Strictly after the current status began, so the new event is the latest one and a
    // downgrade's revocation covers every token of the old status (worker/tokens/issue.ts).
    const at = Math.max(now, current.since + 1);
    steps.push({ ...request, at, from: current.color });
    events.push({ at, color: request.to, source: request.source });
    color = request.to;
    requestApplied = true;
  }
  const after = settle();
  return { current, steps, requestApplied, after };
}

export function revokes(step: StatusStep): boolean {
  return isDowngrade(step.from, step.to);
}

function releaseReason(from: Color): string {
  return `${from} status ended: isolation period over and required daily check-ins done`;
}
