// Plans a holder's status writes from the pure rules in src/status-rules.ts and
// src/status-changes.ts. Pure: takes the materialised holder row, its check-ins and `now`, returns
// the steps to record and the revocations they need. Every writer (enrolment, check-in, operator,
// import, cron) goes through worker/status/apply.ts and so through here, so they all agree with
// what the token endpoint derives lazily.

import {
  type ChangeDecision,
  type Checkin,
  type Color,
  type DerivedStatus,
  decideChange,
  deriveStatus,
  type EventSource,
  isDowngrade,
  localDate,
  type StatusEvent,
  type StatusPolicy,
} from '../../src/index.ts';
import { TUNABLES } from '../tunables.ts';

export type ActorType = 'operator' | 'import' | 'rule' | 'declaration' | 'holder' | 'system';

/** The materialised status a holder row carries (worker/db/schema.ts). */
export interface StoredStatus {
  color: Color;
  since: number;
  /** Red/yellow: when the isolation counts from, if earlier than `since` (an exposure). */
  isolationFrom?: number | null;
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
  /** Only when earlier than `at`: the exposure the isolation counts from. */
  exposedAt?: number | undefined;
  /** 'restart': same colour, isolation counted again from a new exposure. */
  kind: 'change' | 'restart' | 'release';
}

/** A change someone asks for, decided against the current derived status (src/status-changes.ts). */
export interface Request {
  to: Color;
  source: EventSource;
  actorType: ActorType;
  actor: string;
  reason: string;
  exposedAt?: number | undefined;
  exposureNow?: boolean;
}

/** docs/revocation-feed.md: every token of `sub` with iat <= revokedBefore is revoked. */
export interface PlannedRevocation {
  revokedBefore: number;
}

export interface StatusPlan {
  /** Status before anything in this plan (rule releases already due included). */
  current: DerivedStatus;
  /** In order: any due rule release first, then the requested change, then any release it allows. */
  steps: StatusStep[];
  /** The request, if there was one, and what the rules made of it. */
  request?: Request;
  decision?: ChangeDecision;
  /** True when the requested change itself is among the steps. */
  requestApplied: boolean;
  /** The status after every step, as the holder row will carry it. */
  after: DerivedStatus;
  /** The revocations the steps need: a downgrade, or a restart (the tokens' statusEnds moved later). */
  revocations: PlannedRevocation[];
}

/**
 * deriveStatus needs only the latest event (the latest event sets colour, `since` and the
 * isolation start), which the holder row materialises; the event's source does not matter.
 */
export function latestEventOf(stored: StoredStatus): StatusEvent {
  return { at: stored.since, color: stored.color, source: 'rule', exposedAt: stored.isolationFrom ?? undefined };
}

/** The local day the status began: check-ins before it cannot count (see loadCheckins). */
export function checkinWindowStart(stored: StoredStatus, policy: StatusPolicy): string {
  return localDate(stored.since, policy.timeZone);
}

export function currentStatus(stored: StoredStatus, checkins: readonly Checkin[], now: number, policy: StatusPolicy): DerivedStatus {
  return deriveStatus([latestEventOf(stored)], checkins, now, policy);
}

/**
 * @param decide called with the current derived status; returns the change to ask for, if any.
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
        kind: 'release',
      });
      events.push({ at: derived.since, color: derived.color, source: 'rule' });
      color = derived.color;
    }
    throw new Error('status rules did not settle');
  };
  const current = settle();
  const request = decide(current);
  const decision = request ? decideChange(current, request, now, policy) : undefined;
  let requestApplied = false;
  if (request && (decision?.kind === 'change' || decision?.kind === 'restart')) {
    // Strictly after the current status began, so the new event is the latest one and a
    // revocation covers every token of the old status (worker/tokens/issue.ts).
    const at = Math.max(now, current.since + 1);
    const exposedAt = decision.isolationFrom !== undefined && decision.isolationFrom < at ? decision.isolationFrom : undefined;
    const { exposureNow: _, exposedAt: __, ...facts } = request;
    steps.push({ ...facts, at, from: current.color, exposedAt, kind: decision.kind });
    events.push({ at, color: request.to, source: request.source, exposedAt });
    color = request.to;
    requestApplied = true;
  }
  const after = settle();
  return { current, steps, request, decision, requestApplied, after, revocations: steps.filter(revokes).map(revocationFor) };
}

/** Green→yellow/red, yellow→red, or a restart: the steps after which earlier tokens are wrong. */
export function revokes(step: StatusStep): boolean {
  return step.kind === 'restart' || isDowngrade(step.from, step.to);
}

function revocationFor(step: StatusStep): PlannedRevocation {
  // The margin, and why tokens for the new status escape it: worker/tokens/issue.ts.
  return { revokedBefore: step.at + TUNABLES.revocationMarginSeconds };
}

function releaseReason(from: Color): string {
  return `${from} status ended: isolation period over and required daily check-ins done`;
}
