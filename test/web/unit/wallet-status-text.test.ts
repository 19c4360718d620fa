// What the wallet says about its status and a check-in (verifier-web/src/wallet/status-text.ts).
import { describe, expect, it } from 'vitest';
import type { CheckinResponse, StatusView } from '../../../src/index.ts';
import { checkinOutcomeText, greenFromText, progressText, temperatureErrorText } from '../../../verifier-web/src/wallet/status-text.ts';

const yellow: StatusView = { color: 'yellow', since: 1772326800, until: 1772928000, checkinsDone: 3, checkinsRequired: 7 };
const response: CheckinResponse = {
  day: '2026-03-04',
  counted: true,
  clean: true,
  replacedEarlier: false,
  status: yellow,
  timeZone: 'Asia/Shanghai',
};

describe('wallet status text', () => {
  it('shows progress as clean days done of those required, only while red or yellow', () => {
    expect(progressText('en', yellow)).toBe('3 of 7 clean days');
    expect(progressText('zh-CN', yellow)).toBe('无症状 3/7 天');
    expect(progressText('en', { color: 'green', since: 1 })).toBeUndefined();
  });

  it("names the issuer's time zone with the time the holder may turn green, in that zone", () => {
    // 1772928000 is 2026-03-08 00:00 UTC, which is 08:00 in Asia/Shanghai.
    const text = greenFromText('en', yellow, 'Asia/Shanghai')!;
    expect(text).toContain('Mar 8, 2026, 8:00');
    expect(greenFromText('en', yellow, 'America/New_York')).toContain('Mar 7, 2026, 7:00');
    expect(text).toContain('(Asia/Shanghai time)');
    expect(greenFromText('en', yellow, undefined)).toBeUndefined();
  });

  it('says whether a check-in counted, and why not', () => {
    expect(checkinOutcomeText('en', response)).toBe('Counted: a clean day.');
    expect(checkinOutcomeText('en', { ...response, clean: false })).toMatch(/^Recorded: symptoms or a fever\./);
    expect(checkinOutcomeText('en', { ...response, clean: false, replacedEarlier: true })).toContain('replaces your earlier check-in');
    expect(checkinOutcomeText('en', { ...response, counted: false, notCounted: 'already_checked_in', clean: false })).toMatch(
      /^Not counted: you already checked in today/,
    );
  });

  it('explains a refused temperature and that nothing was sent', () => {
    expect(temperatureErrorText('en', { ok: false, reason: 'not_a_temperature' })).toBe(
      'Enter the temperature in °C, like 36.8 or 38,5. Nothing was sent.',
    );
    expect(temperatureErrorText('en', { ok: false, reason: 'out_of_range' })).toContain('between 30 and 45');
  });
});
