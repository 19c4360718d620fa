// The console's session (worker/auth/staff-session.ts): POST exchanges an operator or auditor
// bearer token, once, for the HttpOnly session cookie; GET says who is signed in; DELETE signs out.

import type { Hono } from 'hono';
import type { StaffSession } from '../../src/index.ts';
import { endStaffSession, issueStaffSession } from '../auth/staff-session.ts';
import { insertAudit } from '../db/audit.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';

export function registerAdminSessionRoutes(app: Hono<AppEnv>): void {
  app.post('/v1/admin/session', async (c) => {
    const { db, now, operator } = c.var;
    // A session cannot extend itself: only a credential starts one.
    if (c.var.staffAuth !== 'bearer') throw new ApiError(401, 'unauthorized', 'Sign in with an operator or auditor token.');
    const expiresAt = await issueStaffSession(c, operator, 'token');
    await insertAudit(db, {
      at: now,
      actorType: 'operator',
      actor: operator.name,
      action: 'staff.signin',
      detail: { role: operator.role },
    }).run();
    c.header('Cache-Control', 'no-store');
    return c.json(
      { name: operator.name, role: operator.role, expiresAt, timeZone: c.var.config.policy.timeZone } satisfies StaffSession,
      201,
    );
  });

  app.get('/v1/admin/session', (c) => {
    c.header('Cache-Control', 'no-store');
    // The issuer's zone: the console shows check-in days as the rules count them.
    return c.json({
      name: c.var.operator.name,
      role: c.var.operator.role,
      via: c.var.staffAuth,
      timeZone: c.var.config.policy.timeZone,
    } satisfies StaffSession);
  });

  app.delete('/v1/admin/session', (c) => {
    endStaffSession(c);
    c.header('Cache-Control', 'no-store');
    return c.body(null, 204);
  });
}
