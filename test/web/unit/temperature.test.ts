// Temperatures as people type them (verifier-web/src/temperature.ts): read, or refused with a reason.
import { describe, expect, it } from 'vitest';
import { readTemperature } from '../../../verifier-web/src/temperature.ts';
import { parseTemperature } from '../../../verifier-web/src/verdict.ts';

describe('readTemperature', () => {
  it.each([
    ['38.5', 38.5],
    ['38.5°', 38.5],
    ['38.5 C', 38.5],
    ['38.5c', 38.5],
    ['38.5°C', 38.5],
    ['38.5 ℃', 38.5],
    ['３８.５', 38.5],
    ['３８．５℃', 38.5],
    ['38,5', 38.5],
    ['３８，５', 38.5],
    [' 37 ', 37],
    ['36.55', 36.55],
  ])('reads %j as %d °C', (text, celsius) => {
    expect(readTemperature(text)).toEqual({ ok: true, celsius });
  });

  it('reads empty text as no temperature', () => {
    expect(readTemperature('')).toEqual({ ok: true, celsius: undefined });
    expect(readTemperature('  ')).toEqual({ ok: true, celsius: undefined });
  });

  it.each(['abc', '38.5F', '101.3', '38..5', '38.5.1', '-38', '385', '3 8', '38°5', '38.555', 'NaN', 'Infinity', '0x26'])(
    'refuses %j as not a temperature',
    (text) => {
      expect(readTemperature(text)).toEqual({ ok: false, reason: 'not_a_temperature' });
    },
  );

  it('refuses readings outside 30-45 °C as out of range', () => {
    expect(readTemperature('29.9')).toEqual({ ok: false, reason: 'out_of_range' });
    expect(readTemperature('45.1')).toEqual({ ok: false, reason: 'out_of_range' });
    expect(readTemperature('30')).toEqual({ ok: true, celsius: 30 });
    expect(readTemperature('45')).toEqual({ ok: true, celsius: 45 });
  });

  it('is what the checkpoint prompt reads too', () => {
    expect(parseTemperature('３８．５℃')).toBe(38.5);
    expect(parseTemperature('38.5F')).toBeUndefined();
  });
});
