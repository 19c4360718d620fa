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
  /** An exposure time older than this many days is refused (docs/status-rules.md). */
  maxExposureAgeDays: number;
}

export const DEFAULT_POLICY: Readonly<StatusPolicy> = Object.freeze<StatusPolicy>({
  timeZone: 'Asia/Shanghai',
  isolationDays: { red: 14, yellow: 7 },
  requiredCheckins: { red: 14, yellow: 7 },
  feverThresholdCelsius: FEVER_THRESHOLD_CELSIUS.default,
  declaration: { contactWithCase: 'red', symptoms: 'yellow', fromHighRiskArea: 'yellow' },
  symptomaticCheckinOnGreen: 'yellow',
  maxExposureAgeDays: 14,
});

export type EventSource = 'declaration' | 'operator' | 'import' | 'rule' | 'checkin';

export interface StatusEvent {
  /** NumericDate seconds. */
  at: number;
  color: Color;
  source: EventSource;
  /** Red/yellow: the exposure the isolation counts from, when it is earlier than `at`. */
  exposedAt?: number | undefined;
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
  /** Red/yellow only: the moment isolation counts from (the exposure, else `since`). */
  isolationFrom?: number;
  /** Red/yellow only: when the isolation period alone ends (`until` also waits for the run). */
  isolationEnd?: number;
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

/**
 * The colour a new check-in moves the holder to, if it changes the colour. While red or yellow a
 * symptomatic check-in changes no colour: it restarts the run of clean days (releasePlan).
 */
export function checkinConsequence(current: DerivedStatus, checkin: Checkin, policy: StatusPolicy = DEFAULT_POLICY): Color | undefined {
  if (current.color !== 'green' || !isSymptomatic(checkin, policy)) return undefined;
  return policy.symptomaticCheckinOnGreen === 'green' ? undefined : policy.symptomaticCheckinOnGreen;
}

/** When the isolation a red/yellow event implies ends: its exposure (or its start) plus the days. */
export function isolationEndOf(color: 'red' | 'yellow', isolationFrom: number, policy: StatusPolicy = DEFAULT_POLICY): number {
  return addLocalDays(isolationFrom, policy.isolationDays[color], policy.timeZone);
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
    isolationFrom: plan.isolationFrom,
    isolationEnd: plan.isolationEnd,
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

/** How the rules treated one local day's check-ins, for the holder and the admin view. */
export interface CheckinDay {
  day: string;
  /** The day's first check-in, which is the one that counts towards the run. */
  at: number;
  counted: boolean;
  /** counted: a clean day in the run. Otherwise why not. */
  note: 'clean' | 'symptomatic' | 'before_status' | 'after_release';
}

interface ReleasePlan {
  /** When the rules released the holder, if they have (may be in the future only if already decided). */
  releasedAt?: number;
  /** Projection assuming a clean check-in every day from now on. */
  expectedEnd: number;
  isolationFrom: number;
  isolationEnd: number;
  run: number;
  required: number;
  days: CheckinDay[];
}

/**
 * docs/status-rules.md "Release". Walks the check-ins in time order. One check-in per local day
 * counts (the first); any symptomatic one, first or not, restarts the run and bars release before
 * the next local day. Release comes at the later of the isolation end and the check-in that
 * completes the run, and only if no symptomatic check-in came before that moment.
 */
function releasePlan(base: StatusEvent, checkins: readonly Checkin[], now: number, policy: StatusPolicy): ReleasePlan {
  const color = base.color as 'red' | 'yellow';
  const tz = policy.timeZone;
  const isolationFrom = base.exposedAt !== undefined && base.exposedAt < base.at ? base.exposedAt : base.at;
  const isolationEnd = isolationEndOf(color, isolationFrom, policy);
  const required = Math.max(0, policy.requiredCheckins[color]);
  const nextDayStart = (day: string) => startOfLocalDate(shiftDate(day, 1), tz);

  let run = 0;
  let previousDay: string | undefined;
  let notBefore = isolationEnd;
  let release: number | undefined = required === 0 ? isolationEnd : undefined;
  const seen = new Set<string>();
  const days: CheckinDay[] = [];
  for (const c of [...checkins].filter((c) => c.at <= now).sort((a, b) => a.at - b.at)) {
    if (release !== undefined && c.at >= release) break;
    const day = localDate(c.at, tz);
    const first = !seen.has(day);
    seen.add(day);
    if (c.at < base.at) {
      if (first) days.push({ day, at: c.at, counted: false, note: 'before_status' });
      continue;
    }
    if (isSymptomatic(c, policy)) {
      const entry = days.find((d) => d.day === day);
      if (entry) Object.assign(entry, { counted: false, note: 'symptomatic' });
      else days.push({ day, at: c.at, counted: false, note: 'symptomatic' });
      run = 0;
      previousDay = day;
      notBefore = Math.max(notBefore, nextDayStart(day));
      release = required === 0 ? notBefore : undefined;
      continue;
    }
    if (!first) continue;
    days.push({ day, at: c.at, counted: true, note: 'clean' });
    run = previousDay !== undefined && shiftDate(previousDay, 1) === day ? run + 1 : 1;
    previousDay = day;
    if (release === undefined && run >= required) release = Math.max(notBefore, c.at);
  }
  const plan = { isolationFrom, isolationEnd, required, days };
  if (release !== undefined && release <= now) {
    for (const d of days) if (d.at >= release) Object.assign(d, { counted: false, note: 'after_release' });
    return { ...plan, releasedAt: release, expectedEnd: release, run: Math.min(run, required) };
  }
  if (release !== undefined) return { ...plan, releasedAt: release, expectedEnd: release, run, required };
  // The run is alive only if its last day is today, or yesterday while today's one check-in is
  // still to come (a non-qualifying first check-in today has already broken it).
  const today = localDate(now, tz);
  const todayUsed = seen.has(today);
  const alive = previousDay === today || (previousDay !== undefined && shiftDate(previousDay, 1) === today && !todayUsed);
  const currentRun = alive ? run : 0;
  // With no live run, the next one starts today, or tomorrow if today's check-in is spent.
  const lastDay = alive ? previousDay! : todayUsed ? today : shiftDate(today, -1);
  const completionDay = shiftDate(lastDay, required - currentRun);
  const expectedEnd = Math.max(notBefore, startOfLocalDate(completionDay, tz));
  return { ...plan, expectedEnd, run: currentRun };
}

/** The check-in days of the current red/yellow status as the rules see them (none for green). */
export function checkinDays(
  events: readonly StatusEvent[],
  checkins: readonly Checkin[],
  now: number,
  policy: StatusPolicy = DEFAULT_POLICY,
): CheckinDay[] {
  const base = latestEvent(events);
  return base.color === 'green' ? [] : releasePlan(base, checkins, now, policy).days;
}
