// Request validation: zod schemas for bodies, queries and path parameters, and the hook that turns
// a failure into 400 `validation_failed` with a plain message naming the field. Handlers only ever
// see parsed, typed values (`c.var.body`, `c.var.query`, `c.var.params`).

import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { COLORS, type Color } from '../src/index.ts';
import { ApiError } from './errors.ts';
import { mediaType, readBodyLimited } from './http/body.ts';
import { TUNABLES } from './tunables.ts';

export const colorSchema = z.enum(COLORS as [Color, ...Color[]]);
export const reasonSchema = z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters');
/**
 * An exposure time: NumericDate seconds, or an ISO 8601 date-time with its zone (a spreadsheet's
 * "2026-03-01T09:00:00+08:00"). Whether it is too old or in the future is a rule of the status
 * policy (src/status-changes.ts checkExposure), checked where `now` is known.
 */
export const EXPOSED_AT_FORMAT = 'must be NumericDate seconds or an ISO 8601 time with a zone, e.g. 2026-03-01T09:00:00+08:00';
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Year 9999: anything later is not a time a person was exposed. */
const MAX_SECONDS = 253402300799;
export const exposedAtSchema = z.union([z.number(), z.string().max(40, 'must be at most 40 characters')]).transform((value, ctx) => {
  // CSV fields are text, so whole seconds may come as digits.
  const seconds =
    typeof value === 'number'
      ? value
      : /^\d{1,12}$/.test(value)
        ? Number(value)
        : ISO_WITH_ZONE.test(value)
          ? Date.parse(value) / 1000
          : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_SECONDS) {
    ctx.addIssue({ code: 'custom', message: EXPOSED_AT_FORMAT });
    return z.NEVER;
  }
  return Math.floor(seconds);
});

/** Public holder ids are 16 lower-case base32 characters (worker/crypto.ts randomId). */
export const holderIdSchema = z.string().regex(/^[a-z2-7]{16}$/, 'is not a holder id');

/** Parses a JSON body (application/json, at most TUNABLES.maxJsonBodyBytes) into `c.var.body`. */
export function jsonBody<S extends z.ZodType>(schema: S) {
  return createMiddleware<{ Variables: { body: z.output<S> } }>(async (c, next) => {
    const type = mediaType(c.req.raw);
    if (type !== 'application/json') throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
    const bytes = await readBodyLimited(c.req.raw, TUNABLES.maxJsonBodyBytes);
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
    } catch {
      throw new ApiError(400, 'invalid_json', 'The body is not valid JSON.');
    }
    c.set('body', check(schema, value, 'body'));
    await next();
  });
}

/** Parses the query string into `c.var.query`; unknown parameters are refused. */
export function queryParams<S extends z.ZodType>(schema: S) {
  return createMiddleware<{ Variables: { query: z.output<S> } }>(async (c, next) => {
    c.set('query', check(schema, c.req.query(), 'query'));
    await next();
  });
}

/** Parses path parameters into `c.var.params`. */
export function pathParams<S extends z.ZodType>(schema: S) {
  return createMiddleware<{ Variables: { params: z.output<S> } }>(async (c, next) => {
    c.set('params', check(schema, c.req.param(), 'path'));
    await next();
  });
}

export function check<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  // reportInput tells a missing field from a wrong one; the input is never echoed.
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new ApiError(400, 'validation_failed', describeIssues(parsed.error, where));
}

/** "declaration.symptoms: expected a boolean" — the first problem, naming the field. */
export function describeIssues(error: z.ZodError, where: string): string {
  const issue = error.issues[0];
  if (!issue) return `The ${where} is invalid.`;
  // Field names come from the client: shown, but cut short.
  if (issue.code === 'unrecognized_keys')
    return `${where}: unknown field ${issue.keys
      .slice(0, 3)
      .map((k) => `"${k.slice(0, 40)}"`)
      .join(', ')}.`;
  const field = issue.path.length > 0 ? issue.path.join('.') : where;
  return `${field}: ${plainMessage(issue)}.`;
}

function plainMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return issue.input === undefined ? 'is required' : `expected ${article(issue.expected)}`;
  return issue.message.replace(/\.$/, '');
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
