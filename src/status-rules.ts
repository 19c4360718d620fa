// The three-colour status engine: status is a pure function of a holder's status events, their
// daily check-ins, `now` and the policy. The Worker evaluates it lazily on every token fetch and
// the daily cron writes the transitions it finds, so both always agree.

import { FEVER_THRESHOLD_CELSIUS } from './api.ts';
import type { Color } from './claims.ts';
import { addLocalDays, localDate, shiftDate, startOfLocalDate } from './local-time.ts';

export interface StatusPolicy {
  /** IANA zone whose calendar days count check-ins and isolation days. */
  timeZone: string;
  isolationDays: { red: number; yellow: number };
  /** Consecutive days of symptom-free check-ins needed before turning green. 0 = time only. */
  requiredCheckins: { red: number; yellow: number };
  /** A check-in at or above this temperature counts as symptomatic. */
  feverThresholdCelsius: number;
  /** Colour each declaration answer gives; the worst answer wins. */
  declaration: { contactWithCase: Color; symptoms: Color; fromHighRiskArea: Color };
  /** What a symptomatic check-in does to a green holder (green = nothing). */
  symptomaticCheckinOnGreen: Color;
}

export const DEFAULT_POLICY: Readonly<StatusPolicy> = Object.freeze<StatusPolicy>({
  timeZone: 'Asia/Shanghai',
  isolationDays: { red: 14, yellow: 7 },
  requiredCheckins: { red: 14, yellow: 7 },
  feverThresholdCelsius: FEVER_THRESHOLD_CELSIUS.default,
  declaration: { contactWithCase: 'red', symptoms: 'yellow', fromHighRiskArea: 'yellow' },
  symptomaticCheckinOnGreen: 'yellow',
});

export type EventSource = 'declaration' | 'operator' | 'import' | 'rule' | 'checkin';

export interface StatusEvent {
  /** NumericDate seconds. */
  at: number;
  color: Color;
  source: EventSource;
}

export interface Checkin {
  at: number;
  symptoms: boolean;
  temperature?: number | undefined;
}

export interface Declaration {
  symptoms: boolean;
  contactWithCase: boolean;
  fromHighRiskArea: boolean;
}

export interface DerivedStatus {
  color: Color;
  /** When the current colour began (for a rule transition, the moment the rules allowed it). */
  since: number;
  /** Red/yellow only: when the status is due to end if the holder keeps checking in daily. */
  until?: number;
  /** Red/yellow only: the current run of qualifying daily check-ins, and how many are needed. */
  checkinsDone?: number;
  checkinsRequired?: number;
  /** True when the colour comes from the rules rather than the latest recorded event. */
  byRule: boolean;
}

const RANK: Record<Color, number> = { green: 0, yellow: 1, red: 2 };

export function worseColor(a: Color, b: Color): Color {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Green→yellow/red or yellow→red: the changes that must revoke earlier tokens. */
export function isDowngrade(from: Color, to: Color): boolean {
  return RANK[to] > RANK[from];
}

export function colorForDeclaration(d: Declaration, policy: StatusPolicy = DEFAULT_POLICY): Color {
  let color: Color = 'green';
  if (d.contactWithCase) color = worseColor(color, policy.declaration.contactWithCase);
  if (d.symptoms) color = worseColor(color, policy.declaration.symptoms);
  if (d.fromHighRiskArea) color = worseColor(color, policy.declaration.fromHighRiskArea);
  return color;
}

export function isSymptomatic(c: Checkin, policy: StatusPolicy = DEFAULT_POLICY): boolean {
  return c.symptoms || (c.temperature !== undefined && c.temperature >= policy.feverThresholdCelsius);
}

/** The colour a new check-in moves the holder to, if it changes anything. */
export function checkinConsequence(current: DerivedStatus, checkin: Checkin, policy: StatusPolicy = DEFAULT_POLICY): Color | undefined {
  if (current.color !== 'green' || !isSymptomatic(checkin, policy)) return undefined;
  return policy.symptomaticCheckinOnGreen === 'green' ? undefined : policy.symptomaticCheckinOnGreen;
}

/** The latest event; ties at the same second go to the later one in the list (insertion order). */
function latestEvent(events: readonly StatusEvent[]): StatusEvent {
  let latest: StatusEvent | undefined;
  for (const e of events) if (!latest || e.at >= latest.at) latest = e;
  if (!latest) throw new TypeError('a holder always has at least one status event');
  return latest;
}

export function deriveStatus(
  events: readonly StatusEvent[],
  checkins: readonly Checkin[],
  now: number,
  policy: StatusPolicy = DEFAULT_POLICY,
): DerivedStatus {
  const base = latestEvent(events);
  if (base.color === 'green') return { color: 'green', since: base.at, byRule: false };
  const plan = releasePlan(base, checkins, now, policy);
  if (plan.releasedAt !== undefined && plan.releasedAt <= now) return { color: 'green', since: plan.releasedAt, byRule: true };
  return {
    color: base.color,
    since: base.at,
    until: plan.expectedEnd,
    checkinsDone: plan.run,
    checkinsRequired: plan.required,
    byRule: false,
  };
}

/** A transition the rules have made that is not yet recorded as an event (for the daily cron). */
export function dueTransition(
  events: readonly StatusEvent[],
  checkins: readonly Checkin[],
  now: number,
  policy: StatusPolicy = DEFAULT_POLICY,
): { at: number; from: Color; to: Color } | undefined {
  const base = latestEvent(events);
  const derived = deriveStatus(events, checkins, now, policy);
  return derived.byRule ? { at: derived.since, from: base.color, to: derived.color } : undefined;
}

interface ReleasePlan {
  /** When the rules released the holder, if they have (may be in the future only if already decided). */
  releasedAt?: number;
  /** Projection assuming a qualifying check-in every day from now on. */
  expectedEnd: number;
  run: number;
  required: number;
}

function releasePlan(base: StatusEvent, checkins: readonly Checkin[], now: number, policy: StatusPolicy): ReleasePlan {
  const color = base.color as 'red' | 'yellow';
  const tz = policy.timeZone;
  const isolationEnd = addLocalDays(base.at, policy.isolationDays[color], tz);
  const required = policy.requiredCheckins[color];
  if (required <= 0) return { releasedAt: isolationEnd, expectedEnd: isolationEnd, run: 0, required: 0 };

  // One check-in per local day counts (the first that day, which the Worker also enforces); it
  // qualifies if it came after the status began and reported no symptoms.
  const firstByDay = new Map<string, Checkin>();
  for (const c of [...checkins].sort((a, b) => a.at - b.at)) {
    const day = localDate(c.at, tz);
    if (!firstByDay.has(day)) firstByDay.set(day, c);
  }
  const qualifying = [...firstByDay.entries()]
    .filter(([, c]) => c.at >= base.at && c.at <= now && !isSymptomatic(c, policy))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  let run = 0;
  let previousDay: string | undefined;
  for (const [day, c] of qualifying) {
    run = previousDay !== undefined && shiftDate(previousDay, 1) === day ? run + 1 : 1;
    previousDay = day;
    if (run >= required) return { releasedAt: Math.max(isolationEnd, c.at), expectedEnd: Math.max(isolationEnd, c.at), run, required };
  }
  // The run is alive only if its last day is today, or yesterday while today's one check-in is
  // still to come (a non-qualifying first check-in today has already broken it).
  const today = localDate(now, tz);
  const todayUsed = firstByDay.has(today) && firstByDay.get(today)!.at <= now;
  const alive = previousDay === today || (previousDay !== undefined && shiftDate(previousDay, 1) === today && !todayUsed);
  const currentRun = alive ? run : 0;
  // With no live run, the next one starts today, or tomorrow if today's check-in is spent.
  const lastDay = alive ? previousDay! : todayUsed ? today : shiftDate(today, -1);
  const completionDay = shiftDate(lastDay, required - currentRun);
  const expectedEnd = Math.max(isolationEnd, startOfLocalDate(completionDay, tz));
  return { expectedEnd, run: currentRun, required };
}
