// docs/status-rules.md, rows C1-C9: what a requested change does, decided by the pure rules.
// Every test name starts with its row in the table.
import { describe, expect, it } from 'vitest';
import {
  checkExposure,
  DEFAULT_POLICY,
  type DerivedStatus,
  decideChange,
  deriveStatus,
  type StatusEvent,
  type StatusPolicy,
} from '../../src/index.ts';

const iso = (s: string) => Date.parse(s) / 1000;
const DAY = 86400;
const now = iso('2026-03-14T10:00:00+08:00');
const status = (events: StatusEvent[]): DerivedStatus => deriveStatus(events, [], now);
const green = status([{ at: now - 30 * DAY, color: 'green', source: 'declaration' }]);
// Red since 03-01 10:00: day 13 of 14 on 03-14.
const redSince = iso('2026-03-01T10:00:00+08:00');
const red = status([{ at: redSince, color: 'red', source: 'import' }]);

describe('changes and exposures (docs/status-rules.md)', () => {
  it('C1: isolation counts from the exposure time when one is given', () => {
    const exposedAt = now - 3 * DAY;
    expect(decideChange(green, { to: 'red', exposedAt }, now)).toEqual({ kind: 'change', to: 'red', isolationFrom: exposedAt });
    const after = deriveStatus([{ at: now, color: 'red', source: 'import', exposedAt }], [], now);
    expect(after).toMatchObject({ color: 'red', since: now, isolationFrom: exposedAt, isolationEnd: iso('2026-03-25T10:00:00+08:00') });
  });

  it('C2: isolation counts from the moment of the change when no exposure is given', () => {
    expect(decideChange(green, { to: 'yellow' }, now)).toEqual({ kind: 'change', to: 'yellow', isolationFrom: now });
    expect(deriveStatus([{ at: now, color: 'yellow', source: 'operator' }], [], now)).toMatchObject({
      isolationFrom: now,
      isolationEnd: iso('2026-03-21T10:00:00+08:00'),
    });
  });

  it('C3: an exposure time in the future is refused', () => {
    expect(checkExposure('red', now + 1, now)).toBe('exposure_in_future');
    expect(checkExposure('red', now, now)).toBeUndefined();
  });

  it('C4: an exposure older than the configurable bound (default 14 days) is refused', () => {
    expect(DEFAULT_POLICY.maxExposureAgeDays).toBe(14);
    expect(checkExposure('red', now - 14 * DAY, now)).toBeUndefined();
    expect(checkExposure('red', now - 14 * DAY - 1, now)).toBe('exposure_too_old');
    const strict: StatusPolicy = { ...DEFAULT_POLICY, maxExposureAgeDays: 5 };
    expect(checkExposure('yellow', now - 6 * DAY, now, strict)).toBe('exposure_too_old');
    expect(checkExposure('green', now - DAY, now)).toBe('exposure_with_green');
  });

  it('C5: an exposure whose isolation has already ended leaves the holder as they are', () => {
    // Yellow isolates 7 days: an exposure 10 days ago ended 3 days ago.
    expect(decideChange(green, { to: 'yellow', exposedAt: now - 10 * DAY }, now)).toEqual({
      kind: 'lapsed',
      isolationEnd: iso('2026-03-11T10:00:00+08:00'),
    });
    expect(decideChange(green, { to: 'red', exposedAt: now - 10 * DAY }, now).kind).toBe('change');
  });

  it('C6: a new exposure at the same colour restarts the isolation from the exposure', () => {
    const exposedAt = now - 3600;
    expect(decideChange(red, { to: 'red', exposedAt }, now)).toEqual({ kind: 'restart', to: 'red', isolationFrom: exposedAt });
    // A declaration reports an exposure now.
    expect(decideChange(red, { to: 'red', exposureNow: true }, now)).toEqual({ kind: 'restart', to: 'red', isolationFrom: now });
  });

  it('C7: an exposure that ends no later than the current isolation changes nothing (a re-sent list is a no-op)', () => {
    expect(decideChange(red, { to: 'red', exposedAt: redSince }, now)).toEqual({ kind: 'unchanged', why: 'not_later' });
    expect(decideChange(red, { to: 'red', exposedAt: redSince - 3600 }, now)).toEqual({ kind: 'unchanged', why: 'not_later' });
  });

  it('C8: the same colour without an exposure time changes nothing', () => {
    expect(decideChange(red, { to: 'red' }, now)).toEqual({ kind: 'unchanged', why: 'same_status' });
    expect(decideChange(green, { to: 'green' }, now)).toEqual({ kind: 'unchanged', why: 'same_status' });
  });

  it('C9: green comes only from a request for green (an operator with a reason) or the release rule', () => {
    expect(decideChange(red, { to: 'green' }, now)).toEqual({ kind: 'change', to: 'green' });
    // No other request yields green: red and yellow requests, restarts and lapses keep or worsen.
    for (const to of ['red', 'yellow'] as const) {
      for (const exposedAt of [undefined, now - DAY, now - 13 * DAY]) {
        const d = decideChange(red, { to, exposedAt }, now);
        expect('to' in d ? d.to : 'unchanged').not.toBe('green');
      }
    }
  });
});
