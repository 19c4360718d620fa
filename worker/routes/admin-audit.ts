// GET /v1/admin/audit: the audit log, newest first, paged by a keyset cursor.

import type { Hono } from 'hono';
import { z } from 'zod';
import { listAudit } from '../db/audit.ts';
import type { AppEnv } from '../env.ts';
import { holderIdSchema, queryParams } from '../validate.ts';

const auditQuery = z
  .object({
    cursor: z
      .string()
      .regex(/^[1-9]\d{0,14}$/, 'must be a cursor from a previous page')
      .transform(Number)
      .optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'must be a number from 1 to 200')
      .transform(Number)
      .pipe(z.number().min(1, 'must be at least 1').max(200, 'must be at most 200'))
      .optional(),
    holderId: holderIdSchema.optional(),
    /** Everything one import changed (its id is in the import's response). */
    importId: holderIdSchema.optional(),
    actorType: z.enum(['operator', 'import', 'rule', 'declaration', 'holder', 'system']).optional(),
  })
  .strict();

const DEFAULT_LIMIT = 50;

export function registerAdminAuditRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/admin/audit', queryParams(auditQuery), async (c) => {
    const q = c.var.query;
    const limit = q.limit ?? DEFAULT_LIMIT;
    // One extra row tells whether another page exists without a count query.
    const rows = await listAudit(c.var.db, {
      before: q.cursor,
      limit: limit + 1,
      holderId: q.holderId,
      actorType: q.actorType,
      importId: q.importId,
    });
    const page = rows.slice(0, limit);
    c.header('Cache-Control', 'no-store');
    return c.json({
      entries: page.map((r) => ({
        id: r.id,
        at: r.at,
        actorType: r.actorType,
        actor: r.actor,
        action: r.action,
        holderId: r.holderId,
        from: r.fromColor,
        to: r.toColor,
        reason: r.reason,
        detail: r.detail ? (JSON.parse(r.detail) as unknown) : null,
        importId: r.importId,
      })),
      nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
    });
  });
}
