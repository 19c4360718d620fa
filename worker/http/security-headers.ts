// Security headers on every response the Worker itself makes (the API, errors, 404s). The PWA's
// static pages get theirs from verifier-web/public/_headers: Workers Static Assets applies that
// file to asset responses only, and never to responses from Worker code (docs/operations.md
// "Security headers"). Worker responses are data, never documents, so their policy allows
// nothing to load and nothing to frame them.

import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';

/** Two years, subdomains included: the issuer is only ever served over HTTPS. */
export const HSTS = 'max-age=63072000; includeSubDomains';

const API_HEADERS: Record<string, string> = {
  'Strict-Transport-Security': HSTS,
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/**
 * Sets each header the response does not set itself: a route that answers with a document (an
 * HTML page, say) sets its own fitting Content-Security-Policy and keeps it.
 */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(API_HEADERS)) if (!c.res.headers.has(name)) c.header(name, value);
});
