// Request bodies of the holder routes (docs/api.md), validated before any handler runs.

import { z } from 'zod';
import { CHECKIN_TEMPERATURE_CELSIUS, isSubId } from '../../src/index.ts';
import { colorSchema, exposedAtSchema, reasonSchema } from '../validate.ts';
import { normaliseIdNumber, normalisePhone } from './identity.ts';

/** National ID, passport or permit numbers: 4-32 letters, digits or hyphens once normalised. */
export const idNumberSchema = z
  .string()
  .max(64, 'must be at most 64 characters')
  .transform(normaliseIdNumber)
  .refine((v) => /^[0-9A-Z-]{4,32}$/.test(v), 'must be 4-32 letters, digits or hyphens');

const phoneSchema = z
  .string()
  .max(32, 'must be at most 32 characters')
  .transform(normalisePhone)
  .refine((v) => /^\+?\d{5,20}$/.test(v), 'must be a phone number of 5-20 digits');

export const enrolBody = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    idNumber: idNumberSchema,
    phone: phoneSchema.optional(),
    declaration: z.object({ symptoms: z.boolean(), contactWithCase: z.boolean(), fromHighRiskArea: z.boolean() }).strict(),
  })
  .strict();

export const checkinBody = z
  .object({
    symptoms: z.boolean(),
    temperature: z
      .number()
      .min(CHECKIN_TEMPERATURE_CELSIUS.min, `must be at least ${CHECKIN_TEMPERATURE_CELSIUS.min} (degrees Celsius)`)
      .max(CHECKIN_TEMPERATURE_CELSIUS.max, `must be at most ${CHECKIN_TEMPERATURE_CELSIUS.max} (degrees Celsius)`)
      .optional(),
  })
  .strict();

/** PUT /v1/admin/holders/{holderId}/status: exposedAt restarts the isolation at the same colour. */
export const statusBody = z.object({ color: colorSchema, reason: reasonSchema, exposedAt: exposedAtSchema.optional() }).strict();

/** POST /v1/admin/holders/lookup: exactly one of an ID number or a pseudonym. */
export const holderLookupBody = z.union([
  z.object({ idNumber: idNumberSchema }).strict(),
  z
    .object({
      sub: z
        .string()
        .max(16, 'must be at most 16 characters')
        .trim()
        .toUpperCase()
        .refine(isSubId, 'must be the 8-character code shown at the checkpoint'),
    })
    .strict(),
]);
