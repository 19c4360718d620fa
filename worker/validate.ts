// Request validation: zod/mini schemas (tree-shaken, so the Worker bundle stays small) for bodies,
// queries and path parameters, typed against the contract in src/api.ts, and the hook that turns
// a failure into 400 `validation_failed` with a plain message naming the field. Handlers only ever
// see parsed, typed values (`c.var.body`, `c.var.query`, `c.var.params`).

import { createMiddleware } from 'hono/factory';
import * as z from 'zod/mini';
import { ApiError } from './errors.ts';
import { mediaType, readBodyLimited } from './http/body.ts';
import { describeIssues } from './issue-text.ts';
import { TUNABLES } from './tunables.ts';

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
