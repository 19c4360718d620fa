import { expect, test } from 'vitest';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../../verifier-web/src/settings.ts';

test('settings default to a 37.3 °C threshold with the temperature check off', () => {
  expect(normalizeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
  expect(DEFAULT_SETTINGS.feverThreshold).toBe(37.3);
  expect(DEFAULT_SETTINGS.temperatureCheck).toBe(false);
});

test('saved values of the wrong type or out of range fall back to the defaults', () => {
  const s = normalizeSettings({
    temperatureCheck: 'yes',
    feverThreshold: 80,
    staleAfterHours: 6,
    trustListMaxAgeDays: 0,
    resetSeconds: -1,
    feedback: false,
  });
  expect(s).toEqual({ ...DEFAULT_SETTINGS, staleAfterHours: 6, feedback: false });
  expect(normalizeSettings({ trustListMaxAgeDays: 90 }).trustListMaxAgeDays).toBe(90);
  expect(normalizeSettings({ trustListMaxAgeDays: 366 }).trustListMaxAgeDays).toBe(DEFAULT_SETTINGS.trustListMaxAgeDays);
});
