import { describe, expect, test } from 'vitest';
import { addToTally, localDay, tallyToCsv } from '../../../verifier-web/src/tally.ts';

describe('tally', () => {
  test('counts results per local day without touching the previous state', () => {
    const empty = {};
    const one = addToTally(empty, '2026-03-01', 'green');
    const two = addToTally(addToTally(one, '2026-03-01', 'invalid'), '2026-03-02', 'green');
    expect(empty).toEqual({});
    expect(two['2026-03-01']).toEqual({ green: 1, yellow: 0, red: 0, refer: 0, invalid: 1 });
    expect(two['2026-03-02']!.green).toBe(1);
  });

  test('exports CSV with one row per day in date order and a total column', () => {
    const tally = addToTally(addToTally(addToTally({}, '2026-03-02', 'red'), '2026-03-01', 'green'), '2026-03-01', 'refer');
    expect(tallyToCsv(tally)).toBe('date,green,yellow,red,refer,invalid,total\r\n2026-03-01,1,0,0,1,0,2\r\n2026-03-02,0,0,1,0,0,1\r\n');
  });

  test('a local day is the calendar date where the device is', () => {
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
