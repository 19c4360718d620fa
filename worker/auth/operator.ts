// Operator authentication: `Authorization: Bearer <token>`, checked against the SHA-256 hashes in
// OPERATOR_TOKENS in constant time (every entry is compared, with no early exit). Runs before any
// admin handler or body parsing (through ./staff-session.ts requireStaff, which also accepts a
// console session), so a missing or wrong token never reaches data (401), and an auditor on a
// write route gets 403.

import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { constantTimeEqual } from '../../src/index.ts';
import type { Role } from '../config.ts';
import { sha256 } from '../crypto.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { bearerToken } from './bearer.ts';

export interface Operator {
  name: string;
  role: Role;
}

/** The operator a bearer token belongs to; 401 for anything else. */
export async function authenticateBearer(c: Context<AppEnv>): Promise<Operator> {
  const token = bearerToken(c.req.header('authorization'));
  if (token === undefined) throw unauthorizedOperator();
  const digest = await sha256(token);
  let match: Operator | undefined;
  for (const entry of c.var.config.operators) {
    // No break: the time taken does not depend on which entry (if any) matched.
    if (constantTimeEqual(digest, entry.sha256) && match === undefined) match = { name: entry.name, role: entry.role };
  }
  if (!match) throw unauthorizedOperator();
  return match;
}

/** Write routes: the operator role only. */
export const requireWriteRole = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.operator.role !== 'operator') throw new ApiError(403, 'forbidden', 'This route changes data; the auditor role is read-only.');
  await next();
});

export function unauthorizedOperator(): ApiError {
  return new ApiError(401, 'unauthorized', 'A valid operator token is required.', { 'WWW-Authenticate': 'Bearer realm="tricolor-admin"' });
}
