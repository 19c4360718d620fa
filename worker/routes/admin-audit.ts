// GET /v1/admin/audit: the audit log, newest first, paged by a keyset cursor.

import type { Hono } from 'hono';
import * as z from 'zod/mini';
import { AUDIT_ACTOR_TYPES, AUDIT_PAGE_LIMIT, type AuditPage } from '../../src/index.ts';
import { listAudit } from '../db/audit.ts';
import type { AppEnv } from '../env.ts';
import { holderIdSchema } from '../schemas.ts';
import { queryParams } from '../validate.ts';

const { max: MAX_LIMIT, default: DEFAULT_LIMIT } = AUDIT_PAGE_LIMIT;
const auditQuery = z.strictObject({
  cursor: z.optional(z.pipe(z.string().check(z.regex(/^[1-9]\d{0,14}$/, 'must be a cursor from a previous page')), z.transform(Number))),
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,3}$/, `must be a number from 1 to ${MAX_LIMIT}`)),
      z.pipe(z.transform(Number), z.number().check(z.gte(1, 'must be at least 1'), z.lte(MAX_LIMIT, `must be at most ${MAX_LIMIT}`))),
    ),
  ),
  holderId: z.optional(holderIdSchema),
  actorType: z.optional(z.enum(AUDIT_ACTOR_TYPES)),
  /** Everything one import wrote (its id is in the import's response). */
  importId: z.optional(holderIdSchema),
});

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
    } satisfies AuditPage);
  });
}
