// Every rejection the Worker makes is an ApiError with a stable snake_case code; this module is
// the one place that turns errors into HTTP (`{error: {code, message}}`). Messages are written
// for people and never echo secrets, tokens or request bodies.

import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describeForLog } from './log-safe.ts';

export type ErrorCode =
  | 'validation_failed'
  | 'invalid_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'identity_mismatch'
  | 'conflict'
  | 'rate_limited'
  | 'signing_unavailable'
  | 'signing_key_missing'
  | 'trust_list_unavailable'
  | 'trust_list_invalid'
  | 'trust_list_not_newer'
  | 'revocation_undone'
  | 'misconfigured'
  | 'internal_error';

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly headers: Record<string, string>;
  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export function errorBody(code: ErrorCode, message: string): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message } };
}

/** The single error-to-HTTP mapping, installed with `app.onError`. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    c.header('Cache-Control', 'no-store');
    return c.json(errorBody(err.code, err.message), err.status);
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own rejections (e.g. a malformed URL); keep their status, not their text.
    return c.json(errorBody('validation_failed', 'The request is malformed.'), err.status as ContentfulStatusCode);
  }
  // Unexpected: log the error types and stack frames only (never the request, never a message:
  // worker/log-safe.ts), answer a generic 500.
  console.error(`unhandled ${describeForLog(err)}`);
  return c.json(errorBody('internal_error', 'Something went wrong on the issuer; try again.'), 500);
}

export function notFound(c: Context): Response {
  return c.json(errorBody('not_found', 'No such route.'), 404);
}
