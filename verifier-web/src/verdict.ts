// Turns a verification result (and, at temperature checkpoints, a reading) into what the screen
// shows. Pure: the UI, the tally and the tests all read the same decision.
import { type Color, FEVER_THRESHOLD_CELSIUS, type VerifyResult } from '../../src/index.ts';
import type { AppReason } from './i18n/reasons.ts';
import { readTemperature } from './temperature.ts';

export type VerdictResult = 'valid' | 'invalid' | 'refer';

export interface Verdict {
  result: VerdictResult;
  /** The code's colour once its signature verified (also kept for refer and for expired/revoked). */
  color?: Color;
  /** Why the code is refused; only for invalid. */
  reason?: AppReason;
  maskedName?: string;
  /** The token's binding: staff compare it with the ID card (docs/token-format.md "Binding"). */
  birthYear?: number;
  exp?: number;
  statusEnds?: number;
  /** °C, when the checkpoint takes temperatures. */
  temperature?: number;
  feverThreshold?: number;
}

export const DEFAULT_FEVER_THRESHOLD = FEVER_THRESHOLD_CELSIUS.default;

export interface TemperatureCheck {
  celsius: number;
  threshold: number;
}

/** `undefined` result means the device has no trust list yet and could not check at all. */
export function decideVerdict(result: VerifyResult | undefined, temperature?: TemperatureCheck): Verdict {
  const reading = temperature ? { temperature: temperature.celsius, feverThreshold: temperature.threshold } : {};
  if (!result) return { result: 'invalid', reason: 'no_trust_list', ...reading };
  const claims = result.claims;
  const details = claims
    ? {
        color: claims.color,
        maskedName: claims.maskedName,
        birthYear: claims.birthYear,
        exp: claims.exp,
        statusEnds: claims.statusEnds,
      }
    : {};
  if (!result.ok) return { result: 'invalid', reason: result.reason, ...details, ...reading };
  // docs/verifier.md, temperature: a reading at or above the threshold refers, whatever the colour.
  if (temperature && temperature.celsius >= temperature.threshold) return { result: 'refer', ...details, ...reading };
  return { result: 'valid', ...details, ...reading };
}

/** Tally bucket: the colour for valid codes, else the result. */
export type TallyBucket = Color | 'refer' | 'invalid';

export function tallyBucketOf(verdict: Verdict): TallyBucket {
  return verdict.result === 'valid' ? verdict.color! : verdict.result;
}

/** Plausible human body temperatures a person could type; anything else is a typo. */
export function parseTemperature(text: string): number | undefined {
  const reading = readTemperature(text);
  return reading.ok ? reading.celsius : undefined;
}
