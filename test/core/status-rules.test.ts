import { describe, expect, it } from 'vitest';
import {
  type Checkin,
  checkinConsequence,
  checkinDays,
  colorForDeclaration,
  DEFAULT_POLICY,
  deriveStatus,
  dueTransition,
  isDowngrade,
  type StatusEvent,
  type StatusPolicy,
} from '../../src/index.ts';

const iso = (s: string) => Date.parse(s) / 1000;
const DAY = 86400;
// Flagged yellow at 09:00 Shanghai time on 2026-03-02.
const flagged = iso('2026-03-02T09:00:00+08:00');
const yellow: StatusEvent[] = [
  { at: flagged - 30 * DAY, color: 'green', source: 'declaration' },
  { at: flagged, color: 'yellow', source: 'operator' },
];
/** A symptom-free check-in at 20:00 local on each of the given day offsets from the flag day. */
const checkinsOn = (days: number[], extra: Partial<Checkin> = {}): Checkin[] =>
  days.map((d) => ({ at: iso('2026-03-02T20:00:00+08:00') + d * DAY, symptoms: false, ...extra }));

describe('declaration policy', () => {
  it('gives red for contact with a case, yellow for symptoms or a high-risk area, else green', () => {
    expect(colorForDeclaration({ symptoms: false, contactWithCase: false, fromHighRiskArea: false })).toBe('green');
    expect(colorForDeclaration({ symptoms: true, contactWithCase: false, fromHighRiskArea: false })).toBe('yellow');
    expect(colorForDeclaration({ symptoms: false, contactWithCase: false, fromHighRiskArea: true })).toBe('yellow');
    expect(colorForDeclaration({ symptoms: true, contactWithCase: true, fromHighRiskArea: true })).toBe('red');
  });

  it('takes its rules from the policy', () => {
    const strict: StatusPolicy = { ...DEFAULT_POLICY, declaration: { ...DEFAULT_POLICY.declaration, fromHighRiskArea: 'red' } };
    expect(colorForDeclaration({ symptoms: false, contactWithCase: false, fromHighRiskArea: true }, strict)).toBe('red');
  });
});

describe('deriveStatus', () => {
  it('stays yellow before 7 days even with a full run of check-ins', () => {
    const s = deriveStatus(yellow, checkinsOn([0, 1, 2, 3, 4, 5, 6]), flagged + 7 * DAY - 1);
    expect(s).toMatchObject({ color: 'yellow', since: flagged, checkinsDone: 7, checkinsRequired: 7 });
  });

  it('turns green the moment 7 days have passed when the run of 7 daily check-ins is complete', () => {
    const s = deriveStatus(yellow, checkinsOn([0, 1, 2, 3, 4, 5, 6]), flagged + 7 * DAY);
    expect(s).toEqual({ color: 'green', since: flagged + 7 * DAY, byRule: true });
  });

  it('waits for the run: a missed day restarts it, and green comes with the check-in that completes it', () => {
    const days = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10];
    const completing = checkinsOn([10])[0]!.at;
    expect(deriveStatus(yellow, checkinsOn(days), completing - 1).color).toBe('yellow');
    expect(deriveStatus(yellow, checkinsOn(days), completing)).toEqual({ color: 'green', since: completing, byRule: true });
  });

  it('does not count a symptomatic check-in or a fever towards the run', () => {
    const cs = [...checkinsOn([0, 1, 2, 4, 5, 6]), ...checkinsOn([3], { temperature: 37.3 })];
    expect(deriveStatus(yellow, cs, flagged + 8 * DAY).color).toBe('yellow');
    const cs2 = [...checkinsOn([0, 1, 2, 4, 5, 6]), ...checkinsOn([3], { temperature: 37.2 })];
    expect(deriveStatus(yellow, cs2, flagged + 8 * DAY).color).toBe('green');
  });

  it('counts only the first check-in of a local day, and not one made before the status began', () => {
    const early = { at: iso('2026-03-02T08:00:00+08:00'), symptoms: false };
    const s = deriveStatus(yellow, [early, ...checkinsOn([0, 1, 2, 3, 4, 5, 6])], flagged + 7 * DAY);
    // Day 0's first check-in (08:00) predates the flag (09:00), so day 0 does not count.
    expect(s.color).toBe('yellow');
    expect(s.checkinsDone).toBe(6);
  });

  it("uses the issuer's calendar: two check-ins 20 hours apart on different local days both count", () => {
    // 23:30 and 19:30 next day, Shanghai; in UTC both fall on the same date.
    const policy = { ...DEFAULT_POLICY, requiredCheckins: { red: 2, yellow: 2 }, isolationDays: { red: 1, yellow: 1 } };
    const a = { at: iso('2026-03-02T23:30:00+08:00'), symptoms: false };
    const b = { at: iso('2026-03-03T19:30:00+08:00'), symptoms: false };
    expect(deriveStatus(yellow, [a, b], b.at, policy)).toMatchObject({ color: 'green', since: b.at });
  });

  it('needs 14 days and 14 check-ins for red', () => {
    const red: StatusEvent[] = [{ at: flagged, color: 'red', source: 'import' }];
    const days = Array.from({ length: 14 }, (_, i) => i);
    expect(deriveStatus(red, checkinsOn(days), flagged + 14 * DAY - 1).color).toBe('red');
    expect(deriveStatus(red, checkinsOn(days), flagged + 14 * DAY)).toMatchObject({ color: 'green', since: flagged + 14 * DAY });
    expect(deriveStatus(red, checkinsOn(days.slice(1)), flagged + 15 * DAY).color).toBe('red');
  });

  it('spans a DST change in a zone that has one', () => {
    const berlin = { ...DEFAULT_POLICY, timeZone: 'Europe/Berlin' };
    const start = iso('2026-03-25T09:00:00+01:00');
    const events: StatusEvent[] = [{ at: start, color: 'yellow', source: 'operator' }];
    const checkins = Array.from({ length: 7 }, (_, i) => ({ at: iso('2026-03-25T20:00:00+01:00') + i * DAY, symptoms: false }));
    const release = iso('2026-04-01T09:00:00+02:00'); // 7 local days = 167 hours here
    expect(deriveStatus(events, checkins, release - 1, berlin).color).toBe('yellow');
    expect(deriveStatus(events, checkins, release, berlin)).toMatchObject({ color: 'green', since: release });
  });

  it('lets the latest event govern: an operator upgrade to green is immediate', () => {
    const events: StatusEvent[] = [...yellow, { at: flagged + DAY, color: 'green', source: 'operator' }];
    expect(deriveStatus(events, [], flagged + DAY)).toEqual({ color: 'green', since: flagged + DAY, byRule: false });
  });

  it('restarts isolation from a later downgrade', () => {
    const events: StatusEvent[] = [...yellow, { at: flagged + 3 * DAY, color: 'red', source: 'operator' }];
    const s = deriveStatus(events, checkinsOn([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), flagged + 10 * DAY);
    expect(s).toMatchObject({ color: 'red', since: flagged + 3 * DAY });
  });

  it('projects the expected end from the current run, and from today when the run has lapsed', () => {
    const during = deriveStatus(yellow, checkinsOn([0, 1, 2]), flagged + 2 * DAY + 12 * 3600);
    expect(during.until).toBe(flagged + 7 * DAY);
    const lapsed = deriveStatus(yellow, checkinsOn([0, 1]), iso('2026-03-10T10:00:00+08:00'));
    // No run alive on 03-10: needs 03-10 .. 03-16, so green no earlier than the start of 03-16.
    expect(lapsed).toMatchObject({ color: 'yellow', checkinsDone: 0, until: iso('2026-03-16T00:00:00+08:00') });
  });

  it("counts the run as broken as soon as today's first check-in does not qualify", () => {
    const symptomaticToday = { at: iso('2026-03-05T08:00:00+08:00'), symptoms: true };
    const s = deriveStatus(yellow, [...checkinsOn([0, 1, 2]), symptomaticToday], iso('2026-03-05T10:00:00+08:00'));
    // Run of 3 (03-02..03-04) is over; a new run can start tomorrow, 03-06 .. 03-12.
    expect(s).toMatchObject({ color: 'yellow', checkinsDone: 0, until: iso('2026-03-12T00:00:00+08:00') });
  });

  it('throws for a holder with no events: that is a data error, not a status', () => {
    expect(() => deriveStatus([], [], flagged)).toThrow(TypeError);
  });
});

describe('transitions and downgrades', () => {
  it('reports the rule transition the cron must record, at the exact moment it happened', () => {
    const due = dueTransition(yellow, checkinsOn([0, 1, 2, 3, 4, 5, 6]), flagged + 9 * DAY);
    expect(due).toEqual({ at: flagged + 7 * DAY, from: 'yellow', to: 'green' });
    expect(dueTransition(yellow, [], flagged + 9 * DAY)).toBeUndefined();
    // Once recorded, nothing more is due.
    const recorded: StatusEvent[] = [...yellow, { at: flagged + 7 * DAY, color: 'green', source: 'rule' }];
    expect(dueTransition(recorded, checkinsOn([0, 1, 2, 3, 4, 5, 6]), flagged + 9 * DAY)).toBeUndefined();
  });

  it('classifies downgrades', () => {
    expect(isDowngrade('green', 'yellow')).toBe(true);
    expect(isDowngrade('green', 'red')).toBe(true);
    expect(isDowngrade('yellow', 'red')).toBe(true);
    expect(isDowngrade('red', 'yellow')).toBe(false);
    expect(isDowngrade('yellow', 'yellow')).toBe(false);
    expect(isDowngrade('red', 'green')).toBe(false);
  });

  it('R7: turns a green holder yellow on a symptomatic check-in, and changes no colour while yellow or red', () => {
    const green = deriveStatus([{ at: flagged, color: 'green', source: 'declaration' }], [], flagged + 1);
    expect(checkinConsequence(green, { at: flagged + 2, symptoms: true })).toBe('yellow');
    expect(checkinConsequence(green, { at: flagged + 2, symptoms: false, temperature: 38.1 })).toBe('yellow');
    expect(checkinConsequence(green, { at: flagged + 2, symptoms: false, temperature: 36.6 })).toBeUndefined();
    const y = deriveStatus(yellow, [], flagged + 1);
    expect(checkinConsequence(y, { at: flagged + 2, symptoms: true })).toBeUndefined();
  });
});

// docs/status-rules.md rows R1-R8: release and check-ins. Every test name starts with its row.
describe('fevers while red or yellow (docs/status-rules.md)', () => {
  // Yellow from 03-01 09:00; seven clean check-ins 03-01..03-07 at 20:00; isolation ends 03-08 09:00.
  const from = iso('2026-03-01T09:00:00+08:00');
  const clean = (n: number, color: 'yellow' | 'red' = 'yellow'): [StatusEvent[], Checkin[]] => [
    [{ at: from, color, source: 'operator' }],
    Array.from({ length: n }, (_, d) => ({ at: iso('2026-03-01T20:00:00+08:00') + d * DAY, symptoms: false })),
  ];

  it('R1: yellow turns green at the later of 7 local days and the 7th consecutive clean check-in', () => {
    const [events, checkins] = clean(7);
    expect(deriveStatus(events, checkins, iso('2026-03-08T08:59:59+08:00')).color).toBe('yellow');
    expect(deriveStatus(events, checkins, iso('2026-03-08T09:00:00+08:00'))).toEqual({
      color: 'green',
      since: iso('2026-03-08T09:00:00+08:00'),
      byRule: true,
    });
  });

  it('R2: red needs 14 local days and 14 consecutive clean check-ins', () => {
    const [events, checkins] = clean(14, 'red');
    expect(deriveStatus(events, checkins, iso('2026-03-15T08:59:59+08:00')).color).toBe('red');
    expect(deriveStatus(events, checkins, iso('2026-03-15T09:00:00+08:00')).color).toBe('green');
    expect(deriveStatus(events, checkins.slice(0, 13), iso('2026-03-16T09:00:00+08:00')).color).toBe('red');
  });

  it('R3: a fever after a completed run of clean check-ins, before the release, restarts the run (yellow, 38.5 °C)', () => {
    const [events, checkins] = clean(7);
    const fever = { at: iso('2026-03-08T08:00:00+08:00'), symptoms: false, temperature: 38.5 };
    const at9 = deriveStatus(events, [...checkins, fever], iso('2026-03-08T09:00:00+08:00'));
    expect(at9).toMatchObject({ color: 'yellow', checkinsDone: 0, checkinsRequired: 7 });
    // A new run can start on 03-09 at the earliest: seven clean days 03-09..03-15.
    expect(at9.until).toBe(iso('2026-03-15T00:00:00+08:00'));
    expect(dueTransition(events, [...checkins, fever], iso('2026-03-08T09:00:00+08:00'))).toBeUndefined();
  });

  it('R4: the same holds for red (39 °C after 14 clean days)', () => {
    const [events, checkins] = clean(14, 'red');
    const fever = { at: iso('2026-03-15T08:00:00+08:00'), symptoms: false, temperature: 39 };
    expect(deriveStatus(events, [...checkins, fever], iso('2026-03-15T09:00:00+08:00'))).toMatchObject({ color: 'red', checkinsDone: 0 });
    expect(dueTransition(events, [...checkins, fever], iso('2026-03-16T09:00:00+08:00'))).toBeUndefined();
  });

  it('R5: a symptomatic check-in never lets the holder turn green that local day, even on a time-only policy', () => {
    const timeOnly: StatusPolicy = { ...DEFAULT_POLICY, requiredCheckins: { red: 0, yellow: 0 } };
    const events: StatusEvent[] = [{ at: from, color: 'yellow', source: 'operator' }];
    const symptoms = { at: iso('2026-03-08T08:00:00+08:00'), symptoms: true };
    expect(deriveStatus(events, [symptoms], iso('2026-03-08T23:59:59+08:00'), timeOnly).color).toBe('yellow');
    expect(deriveStatus(events, [symptoms], iso('2026-03-09T00:00:00+08:00'), timeOnly)).toMatchObject({
      color: 'green',
      since: iso('2026-03-09T00:00:00+08:00'),
    });
  });

  it('R6: only the first check-in of a day counts, but a later symptomatic one that day still breaks the run', () => {
    const [events, checkins] = clean(7);
    const laterFever = { at: iso('2026-03-07T22:00:00+08:00'), symptoms: true };
    const s = deriveStatus(events, [...checkins, laterFever], iso('2026-03-08T10:00:00+08:00'));
    expect(s).toMatchObject({ color: 'yellow', checkinsDone: 0 });
    expect(checkinDays(events, [...checkins, laterFever], iso('2026-03-08T10:00:00+08:00')).at(-1)).toEqual({
      day: '2026-03-07',
      at: iso('2026-03-07T20:00:00+08:00'),
      counted: false,
      note: 'symptomatic',
    });
  });

  it('R8: a check-in from before the status began never counts', () => {
    const events: StatusEvent[] = [{ at: from, color: 'yellow', source: 'operator' }];
    const early = { at: iso('2026-03-01T08:00:00+08:00'), symptoms: false };
    expect(checkinDays(events, [early], from + 3600)).toEqual([{ day: '2026-03-01', at: early.at, counted: false, note: 'before_status' }]);
  });
});
