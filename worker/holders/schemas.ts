// Request bodies of the holder and sign-in routes (docs/api.md), validated before any handler runs.
// Typed against src/api.ts, so the contract and the validator cannot drift apart.

import * as z from 'zod/mini';
import {
  CHECKIN_TEMPERATURE_CELSIUS,
  type CheckinRequest,
  type Declaration,
  type HolderLookupRequest,
  MAX_DOMAIN,
  MAX_REVOCATION_EPOCH,
  SIGN_IN_CALLBACK_PARAM_MAX,
} from '../../src/index.ts';
import { normaliseIdNumber } from './identity.ts';

/** ID numbers in an operator's key-people import: 4-32 letters, digits or hyphens once normalised. */
export const idNumberSchema = z.pipe(
  z.string().check(z.maxLength(64, 'must be at most 64 characters')),
  z.pipe(
    z.transform(normaliseIdNumber),
    z.string().check(z.refine((v) => /^[0-9A-Z-]{4,32}$/.test(v), 'must be 4-32 letters, digits or hyphens')),
  ),
);

/** An HTML checkbox: "on" when ticked, absent otherwise. */
const checkbox = z.pipe(
  z.optional(z.enum(['on'])),
  z.transform((v) => v === 'on'),
);

/**
 * POST /v1/auth/start, an HTML form (application/x-www-form-urlencoded, src/api.ts
 * SignInStartForm): the health declaration, applied when the sign-in completes.
 */
export const signInStartForm: z.ZodMiniType<Declaration, unknown> = z.strictObject({
  symptoms: checkbox,
  contactWithCase: checkbox,
  fromHighRiskArea: checkbox,
});

const callbackParam = z.optional(z.string().check(z.maxLength(SIGN_IN_CALLBACK_PARAM_MAX)));

/** GET /v1/auth/callback: what the provider sends back (OpenID Connect Core §3.1.2.5, §3.1.2.6; RFC 9207). */
export const signInCallbackQuery = z.object({
  code: callbackParam,
  state: callbackParam,
  error: callbackParam,
  error_description: callbackParam,
  iss: callbackParam,
  session_state: callbackParam,
});

const { min, max } = CHECKIN_TEMPERATURE_CELSIUS;
export const checkinBody: z.ZodMiniType<CheckinRequest, unknown> = z.strictObject({
  symptoms: z.boolean(),
  temperature: z.optional(
    z.number().check(z.gte(min, `must be at least ${min} (degrees Celsius)`), z.lte(max, `must be at most ${max} (degrees Celsius)`)),
  ),
});

/** POST /v1/admin/holders/lookup: exactly one of an ID number or a scanned code's (window, epoch, index). */
export const holderLookupBody: z.ZodMiniType<HolderLookupRequest, unknown> = z.union([
  z.strictObject({ idNumber: idNumberSchema }),
  z.strictObject({
    code: z.strictObject({
      window: z.int().check(z.gte(0, 'must be a window number'), z.lt(2 ** 32, 'must be a window number')),
      epoch: z.int().check(z.gte(0, 'must be 0 or more'), z.lte(MAX_REVOCATION_EPOCH, `must be at most ${MAX_REVOCATION_EPOCH}`)),
      windowIndex: z.int().check(z.gte(0, 'must be 0 or more'), z.lt(MAX_DOMAIN, 'must be below 2^32')),
    }),
  }),
]);
