// Every rejection the Worker makes has a stable snake_case code: an ApiError from the HTTP layer
// (auth, validation, routing) or a DomainError from the domain code, which knows nothing of HTTP.
// This module is the one place that turns errors into HTTP (`{error: {code, message}}`). Messages
// are written for people and never echo secrets, tokens or request bodies.

import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type DomainErrorCode } from './domain-errors.ts';
import { describeForLog } from './log-safe.ts';

/** Codes of the HTTP layer's own rejections; the domain's are DomainErrorCode. */
export type ErrorCode =
  | DomainErrorCode
  | 'invalid_json'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'secret_replaced'
  | 'rate_limited'
  | 'sign_in_unavailable'
  | 'trust_list_unavailable'
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

/** The HTTP status of each domain failure. */
const DOMAIN_ERROR_STATUS: Record<DomainErrorCode, ContentfulStatusCode> = {
  conflict: 409,
  provider_unavailable: 503,
  validation_failed: 400,
  payload_too_large: 413,
  signing_unavailable: 503,
  code_not_yet_available: 503,
  signing_key_missing: 409,
  trust_list_invalid: 422,
  trust_list_not_newer: 409,
  revocation_undone: 409,
  misconfigured: 500,
  shard_unavailable: 503,
};

/** A domain failure as the HTTP layer answers it. */
export function apiErrorOf(err: DomainError): ApiError {
  const headers: Record<string, string> = err.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(err.retryAfterSeconds) };
  return new ApiError(DOMAIN_ERROR_STATUS[err.code], err.code, err.message, headers);
}

export function errorBody(code: ErrorCode, message: string): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message } };
}

/** The single error-to-HTTP mapping, installed with `app.onError`. */
export function handleError(thrown: Error, c: Context): Response {
  const err = thrown instanceof DomainError ? apiErrorOf(thrown) : thrown;
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
