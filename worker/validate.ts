// Request validation: zod/mini schemas (tree-shaken, so the Worker bundle stays small) for bodies,
// queries and path parameters, typed against the contract in src/api.ts, and the hook that turns
// a failure into 400 `validation_failed` with a plain message naming the field. Handlers only ever
// see parsed, typed values (`c.var.body`, `c.var.query`, `c.var.params`).

import { createMiddleware } from 'hono/factory';
import * as z from 'zod/mini';
import { COLORS, type Color, HOLDER_ID_PATTERN, REASON_MAX_LENGTH } from '../src/index.ts';
import { ApiError } from './errors.ts';
import { mediaType, readBodyLimited } from './http/body.ts';
import { TUNABLES } from './tunables.ts';

export const colorSchema = z.enum(COLORS as [Color, ...Color[]]);
export const reasonSchema = z
  .string()
  .check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(REASON_MAX_LENGTH, `must be at most ${REASON_MAX_LENGTH} characters`));
/** Public holder ids (worker/crypto.ts randomId). */
export const holderIdSchema = z.string().check(z.regex(HOLDER_ID_PATTERN, 'is not a holder id'));

/** Parses a JSON body (application/json, at most TUNABLES.maxJsonBodyBytes) into `c.var.body`. */
export function jsonBody<S extends z.ZodMiniType>(schema: S) {
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
export function queryParams<S extends z.ZodMiniType>(schema: S) {
  return createMiddleware<{ Variables: { query: z.output<S> } }>(async (c, next) => {
    c.set('query', check(schema, c.req.query(), 'query'));
    await next();
  });
}

/** Parses path parameters into `c.var.params`. */
export function pathParams<S extends z.ZodMiniType>(schema: S) {
  return createMiddleware<{ Variables: { params: z.output<S> } }>(async (c, next) => {
    c.set('params', check(schema, c.req.param(), 'path'));
    await next();
  });
}

export function check<S extends z.ZodMiniType>(schema: S, value: unknown, where: string): z.output<S> {
  // reportInput tells a missing field from a wrong one; the input is never echoed.
  const parsed = z.safeParse(schema, value, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new ApiError(400, 'validation_failed', describeIssues(parsed.error, where));
}

/** "declaration.symptoms: expected a boolean" — the first problem, naming the field. */
export function describeIssues(error: z.core.$ZodError, where: string): string {
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

/**
 * The issue in plain words. zod/mini ships no message locale (that is what keeps it small), so a
 * schema either gives its own message or gets one here from the issue's code.
 */
export function plainMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return issue.input === undefined ? 'is required' : `expected ${article(issue.expected)}`;
  if (issue.message && issue.message !== GENERIC_MESSAGE) return issue.message.replace(/\.$/, '');
  switch (issue.code) {
    case 'invalid_value':
      return `Invalid option: expected one of ${issue.values.map((v) => JSON.stringify(v)).join('|')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return 'is not in the expected format';
    default:
      return 'is invalid';
  }
}

/** What zod/mini says when a check has no message of its own. */
const GENERIC_MESSAGE = 'Invalid input';

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
