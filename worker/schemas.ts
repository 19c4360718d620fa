// Field schemas that several requests share (operator changes, imports, admin queries), typed
// against the contract in src/api.ts. No HTTP here: the import parser uses them too.

import * as z from 'zod/mini';
import { COLORS, type Color, HOLDER_ID_PATTERN, REASON_MAX_LENGTH } from '../src/index.ts';

export const colorSchema = z.enum(COLORS as [Color, ...Color[]]);
export const reasonSchema = z
  .string()
  .check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(REASON_MAX_LENGTH, `must be at most ${REASON_MAX_LENGTH} characters`));
/** Public holder ids (worker/crypto.ts randomId). */
export const holderIdSchema = z.string().check(z.regex(HOLDER_ID_PATTERN, 'is not a holder id'));
