// Request bodies of the holder and sign-in routes (docs/api.md), validated before any handler runs.

import { z } from 'zod';
import { normaliseIdNumber } from './identity.ts';

/** ID numbers in an operator's key-people import: 4-32 letters, digits or hyphens once normalised. */
export const idNumberSchema = z
  .string()
  .max(64, 'must be at most 64 characters')
  .transform(normaliseIdNumber)
  .refine((v) => /^[0-9A-Z-]{4,32}$/.test(v), 'must be 4-32 letters, digits or hyphens');

/** The longest sign-in start form accepted (three checkboxes need a few dozen bytes). */
export const SIGN_IN_FORM_MAX_BYTES = 512;

const checkbox = z
  .enum(['on'])
  .optional()
  .transform((v) => v === 'on');

/**
 * POST /v1/auth/start, an HTML form (application/x-www-form-urlencoded): the health declaration
 * as checkboxes, present ("on") or absent. Applied when the sign-in completes.
 */
export const signInStartForm = z.object({ symptoms: checkbox, contactWithCase: checkbox, fromHighRiskArea: checkbox }).strict();

/** GET /v1/auth/callback: what the provider sends back (OpenID Connect Core §3.1.2.5 and §3.1.2.6). */
export const SIGN_IN_CALLBACK_PARAM_MAX = 2048;
export const signInCallbackQuery = z.object({
  code: z.string().max(SIGN_IN_CALLBACK_PARAM_MAX).optional(),
  state: z.string().max(SIGN_IN_CALLBACK_PARAM_MAX).optional(),
  error: z.string().max(SIGN_IN_CALLBACK_PARAM_MAX).optional(),
  error_description: z.string().max(SIGN_IN_CALLBACK_PARAM_MAX).optional(),
  iss: z.string().max(SIGN_IN_CALLBACK_PARAM_MAX).optional(),
  session_state: z.string().max(SIGN_IN_CALLBACK_PARAM_MAX).optional(),
});

export const checkinBody = z
  .object({
    symptoms: z.boolean(),
    temperature: z.number().min(30, 'must be at least 30 (degrees Celsius)').max(45, 'must be at most 45 (degrees Celsius)').optional(),
  })
  .strict();
