// Field schemas that several requests share (operator changes, imports, admin queries), typed
// against the contract in src/api.ts. No HTTP here: the import parser uses them too.

import * as z from 'zod/mini';
import { COLORS, type Color, type ExposureTime, HOLDER_ID_PATTERN, REASON_MAX_LENGTH } from '../src/index.ts';

export const colorSchema = z.enum(COLORS as [Color, ...Color[]]);
export const reasonSchema = z
  .string()
  .check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(REASON_MAX_LENGTH, `must be at most ${REASON_MAX_LENGTH} characters`));
/** Public holder ids (worker/crypto.ts randomId). */
export const holderIdSchema = z.string().check(z.regex(HOLDER_ID_PATTERN, 'is not a holder id'));

export const EXPOSED_AT_FORMAT = 'must be NumericDate seconds or an ISO 8601 time with a zone, e.g. 2026-03-01T09:00:00+08:00';
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Year 9999: anything later is not a time a person was exposed. */
const MAX_SECONDS = 253402300799;

/** Seconds from what a request or a CSV field gives (CSV fields are text: digits are seconds). */
function exposureSeconds(value: ExposureTime): number {
  if (typeof value === 'number') return Math.floor(value);
  if (/^\d{1,12}$/.test(value)) return Number(value);
  return ISO_WITH_ZONE.test(value) ? Math.floor(Date.parse(value) / 1000) : Number.NaN;
}

/**
 * An exposure time (src/api.ts ExposureTime) as NumericDate seconds. Whether it is too old or in
 * the future is a rule of the status policy (src/status-changes.ts checkExposure), checked where
 * `now` is known.
 */
export const exposedAtSchema = z
  .pipe(z.union([z.number(), z.string().check(z.maxLength(40, 'must be at most 40 characters'))]), z.transform(exposureSeconds))
  .check(z.refine((v) => Number.isFinite(v) && v >= 0 && v <= MAX_SECONDS, EXPOSED_AT_FORMAT));
