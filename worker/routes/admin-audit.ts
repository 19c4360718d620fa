// GET /v1/admin/audit: the audit log, newest first, paged by a keyset cursor, filtered by holder,
// actor, action and time range. GET /v1/admin/audit/export: everything the same filter selects,
// as CSV (RFC 4180), streamed page by page up to AUDIT_EXPORT_MAX_ROWS.

import type { Hono } from 'hono';
import { z } from 'zod';
import { insertAudit, listAudit } from '../db/audit.ts';
import type { AuditRow } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { holderIdSchema, queryParams } from '../validate.ts';

/** Rows one CSV export carries at most; narrow the filter for more. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;
export const AUDIT_PAGE_MAX = 200;
const DEFAULT_LIMIT = 50;
const EXPORT_PAGE = 500;

const instant = z
  .string()
  .regex(/^\d{1,12}$/, 'must be a time in seconds since 1970')
  .transform(Number);
const filterFields = {
  holderId: holderIdSchema.optional(),
  actorType: z.enum(['operator', 'import', 'rule', 'declaration', 'holder', 'system']).optional(),
  actor: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters').optional(),
  action: z
    .string()
    .regex(/^[a-z_]{1,30}(\.[a-z_]{1,30}){0,2}$/, 'must be an action name such as status.set')
    .optional(),
  from: instant.optional(),
  to: instant.optional(),
};
const cursor = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'must be a cursor from a previous page')
  .transform(Number);
const limit = z
  .string()
  .regex(/^\d{1,3}$/, `must be a number from 1 to ${AUDIT_PAGE_MAX}`)
  .transform(Number)
  .pipe(z.number().min(1, 'must be at least 1').max(AUDIT_PAGE_MAX, `must be at most ${AUDIT_PAGE_MAX}`));

export const auditQuery = z.object({ ...filterFields, cursor: cursor.optional(), limit: limit.optional() }).strict();
export const auditExportQuery = z.object(filterFields).strict();
type AuditFilter = z.output<typeof auditExportQuery>;

export function registerAdminAuditRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/admin/audit', queryParams(auditQuery), async (c) => {
    const { cursor: before, limit: pageSize = DEFAULT_LIMIT, ...filter } = c.var.query;
    checkRange(filter);
    // One extra row tells whether another page exists without a count query.
    const rows = await listAudit(c.var.db, { ...filter, before, limit: pageSize + 1 });
    const page = rows.slice(0, pageSize);
    c.header('Cache-Control', 'no-store');
    return c.json({ entries: page.map(entryOf), nextCursor: rows.length > pageSize ? String(page[page.length - 1]!.id) : null });
  });

  app.get('/v1/admin/audit/export', queryParams(auditExportQuery), async (c) => {
    const filter = c.var.query;
    checkRange(filter);
    const { db, now, operator } = c.var;
    // An export copies the log out of the Worker: who did it, and with what filter, is itself logged.
    await insertAudit(db, { at: now, actorType: 'operator', actor: operator.name, action: 'audit.export', detail: { filter } }).run();
    const encoder = new TextEncoder();
    let before: number | undefined;
    let sent = 0;
    let headerSent = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(',')}\r\n`));
          return;
        }
        const rows = await listAudit(db, { ...filter, before, limit: Math.min(EXPORT_PAGE, AUDIT_EXPORT_MAX_ROWS - sent) });
        if (rows.length === 0) return controller.close();
        sent += rows.length;
        before = rows[rows.length - 1]!.id;
        controller.enqueue(encoder.encode(rows.map(csvLine).join('')));
        if (sent >= AUDIT_EXPORT_MAX_ROWS) controller.close();
      },
    });
    c.header('Cache-Control', 'no-store');
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="tricolor-audit.csv"');
    return c.body(body);
  });
}

function checkRange(f: AuditFilter): void {
  if (f.from !== undefined && f.to !== undefined && f.to <= f.from)
    throw new ApiError(400, 'validation_failed', 'to: must be later than from.');
}

function entryOf(r: AuditRow) {
  return {
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
  };
}

export const CSV_COLUMNS = ['id', 'at', 'actorType', 'actor', 'action', 'holderId', 'from', 'to', 'reason', 'detail'] as const;

function csvLine(r: AuditRow): string {
  const at = new Date(r.at * 1000).toISOString();
  return `${[r.id, at, r.actorType, r.actor, r.action, r.holderId, r.fromColor, r.toColor, r.reason, r.detail].map(csvField).join(',')}\r\n`;
}

/** RFC 4180 §2.6-2.7, and a leading = + - @ neutralised so a spreadsheet never runs a cell as a formula. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
