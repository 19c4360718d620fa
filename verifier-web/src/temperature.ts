// Reading a body temperature the way people type it: ASCII or full-width digits (a Chinese input
// method types "３８．５"), a dot or a comma as the decimal mark, and an optional unit "°",
// "°C", "℃" or "C". Anything else is refused with a reason, never guessed at: a fever read as
// "no temperature" would tell the issuer the holder is well.
import { CHECKIN_TEMPERATURE_CELSIUS } from '../../src/index.ts';

export type TemperatureReading = { ok: true; celsius: number | undefined } | { ok: false; reason: 'not_a_temperature' | 'out_of_range' };

const NUMBER_WITH_UNIT = /^(\d{2})(?:[.,](\d{1,2}))?\s*(?:°\s*C?|C)?$/i;

/** Empty text is no reading (`celsius: undefined`); only whole or decimal degrees Celsius are read. */
export function readTemperature(text: string): TemperatureReading {
  // NFKC folds full-width digits and punctuation to ASCII and "℃" to "°C".
  const folded = text.normalize('NFKC').trim();
  if (folded === '') return { ok: true, celsius: undefined };
  const m = NUMBER_WITH_UNIT.exec(folded);
  if (!m) return { ok: false, reason: 'not_a_temperature' };
  const celsius = Number(`${m[1]}.${m[2] ?? '0'}`);
  if (celsius < CHECKIN_TEMPERATURE_CELSIUS.min || celsius > CHECKIN_TEMPERATURE_CELSIUS.max) return { ok: false, reason: 'out_of_range' };
  return { ok: true, celsius };
}
