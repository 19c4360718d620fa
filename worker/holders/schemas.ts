// Request bodies of the holder routes (docs/api.md), validated before any handler runs. Typed
// against src/api.ts, so the contract and the validator cannot drift apart.

import * as z from 'zod/mini';
import { CHECKIN_TEMPERATURE_CELSIUS, type CheckinRequest, type EnrolRequest } from '../../src/index.ts';
import { normaliseIdNumber, normalisePhone } from './identity.ts';

/** National ID, passport or permit numbers: 4-32 letters, digits or hyphens once normalised. */
export const idNumberSchema = z.pipe(
  z.string().check(z.maxLength(64, 'must be at most 64 characters')),
  z.pipe(
    z.transform(normaliseIdNumber),
    z.string().check(z.refine((v) => /^[0-9A-Z-]{4,32}$/.test(v), 'must be 4-32 letters, digits or hyphens')),
  ),
);

const phoneSchema = z.pipe(
  z.string().check(z.maxLength(32, 'must be at most 32 characters')),
  z.pipe(z.transform(normalisePhone), z.string().check(z.refine((v) => /^\+?\d{5,20}$/.test(v), 'must be a phone number of 5-20 digits'))),
);

export const enrolBody: z.ZodMiniType<EnrolRequest, unknown> = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(100, 'must be at most 100 characters')),
  idNumber: idNumberSchema,
  phone: z.optional(phoneSchema),
  declaration: z.strictObject({ symptoms: z.boolean(), contactWithCase: z.boolean(), fromHighRiskArea: z.boolean() }),
});

const { min, max } = CHECKIN_TEMPERATURE_CELSIUS;
export const checkinBody: z.ZodMiniType<CheckinRequest, unknown> = z.strictObject({
  symptoms: z.boolean(),
  temperature: z.optional(
    z.number().check(z.gte(min, `must be at least ${min} (degrees Celsius)`), z.lte(max, `must be at most ${max} (degrees Celsius)`)),
  ),
});
