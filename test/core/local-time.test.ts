import { describe, expect, it } from 'vitest';
import { addLocalDays, instantOf, localDate, shiftDate, startOfLocalDate, wallTime } from '../../src/index.ts';

const iso = (s: string) => Date.parse(s) / 1000;

describe('local calendar arithmetic', () => {
  it("puts an instant on the issuer's calendar day, not UTC's", () => {
    // 16:30 UTC is 00:30 the next day in Shanghai (UTC+8, no DST).
    expect(localDate(iso('2026-03-01T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-03-02');
    expect(localDate(iso('2026-03-01T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-03-01');
  });

  it('counts 14 calendar days across the spring DST change as 14 days of wall time (335 hours)', () => {
    const start = iso('2026-03-20T09:00:00+01:00'); // Berlin, CET
    const end = addLocalDays(start, 14, 'Europe/Berlin');
    expect(end).toBe(iso('2026-04-03T09:00:00+02:00')); // CEST
    expect((end - start) / 3600).toBe(335);
  });

  it('counts 7 calendar days across the autumn DST change as 169 hours', () => {
    const start = iso('2026-10-21T09:00:00+02:00');
    const end = addLocalDays(start, 7, 'Europe/Berlin');
    expect(end).toBe(iso('2026-10-28T09:00:00+01:00'));
    expect((end - start) / 3600).toBe(169);
  });

  it('moves a wall time that falls in the skipped spring hour to just after the gap', () => {
    const t = instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, 'Europe/Berlin');
    expect(wallTime(t, 'Europe/Berlin')).toMatchObject({ hour: 3, minute: 30 });
  });

  it('reads a repeated autumn wall time as its earlier instant', () => {
    const t = instantOf({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 }, 'Europe/Berlin');
    expect(t).toBe(iso('2026-10-25T02:30:00+02:00'));
  });

  it('starts a local day at local midnight, including on DST days', () => {
    expect(startOfLocalDate('2026-03-29', 'Europe/Berlin')).toBe(iso('2026-03-29T00:00:00+01:00'));
    expect(startOfLocalDate('2026-03-02', 'Asia/Shanghai')).toBe(iso('2026-03-01T16:00:00Z'));
  });

  it('shifts plain dates across month and year ends', () => {
    expect(shiftDate('2026-02-28', 1)).toBe('2026-03-01');
    expect(shiftDate('2028-02-28', 1)).toBe('2028-02-29');
    expect(shiftDate('2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftDate('2026-01-01', -1)).toBe('2025-12-31');
  });
});
