// GET /v1/admin/audit: the audit log, newest first, paged by a keyset cursor, filtered by holder,
// actor, action and time range. GET /v1/admin/audit/export: everything the same filter selects,
// as CSV (RFC 4180), streamed page by page up to AUDIT_EXPORT_MAX_ROWS.

import type { Hono } from 'hono';
import * as z from 'zod/mini';
import {
  AUDIT_ACTION_PATTERN,
  AUDIT_ACTOR_MAX_LENGTH,
  AUDIT_ACTOR_TYPES,
  AUDIT_CSV_COLUMNS,
  AUDIT_EXPORT_MAX_ROWS,
  AUDIT_PAGE_LIMIT,
  type AuditEntry,
  type AuditFilter,
  type AuditPage,
  type AuditQuery as AuditRequest,
} from '../../src/index.ts';
import { type AuditPosition, type AuditQuery, insertAudit, listAudit, mergeAuditParts } from '../db/audit.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { holderIdSchema } from '../schemas.ts';
import { fanOut } from '../shards/fan-out.ts';
import type { Shards } from '../shards/shards.ts';
import { queryParams } from '../validate.ts';

const { max: MAX_LIMIT, default: DEFAULT_LIMIT } = AUDIT_PAGE_LIMIT;
/** Rows read per D1 query while an export streams. */
const EXPORT_PAGE = 500;

/** "<at>.<entry id>": where the previous page ended (db/audit.ts AuditPosition). */
const AUDIT_CURSOR = /^\d{1,12}\.\d{1,17}$/;
const instant = z.pipe(z.string().check(z.regex(/^\d{1,12}$/, 'must be a time in seconds since 1970')), z.transform(Number));
const filterFields = {
  holderId: z.optional(holderIdSchema),
  actorType: z.optional(z.enum(AUDIT_ACTOR_TYPES)),
  actor: z.optional(
    z
      .string()
      .check(
        z.trim(),
        z.minLength(1, 'must not be empty'),
        z.maxLength(AUDIT_ACTOR_MAX_LENGTH, `must be at most ${AUDIT_ACTOR_MAX_LENGTH} characters`),
      ),
  ),
  action: z.optional(z.string().check(z.regex(AUDIT_ACTION_PATTERN, 'must be an action name such as status.set'))),
  from: z.optional(instant),
  to: z.optional(instant),
  /** Everything one import wrote (its id is in the import's response). */
  importId: z.optional(holderIdSchema),
};
const auditQuery = z.strictObject({
  ...filterFields,
  cursor: z.optional(z.pipe(z.string().check(z.regex(AUDIT_CURSOR, 'must be a cursor from a previous page')), z.transform(positionOf))),
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,3}$/, `must be a number from 1 to ${MAX_LIMIT}`)),
      z.pipe(z.transform(Number), z.number().check(z.gte(1, 'must be at least 1'), z.lte(MAX_LIMIT, `must be at most ${MAX_LIMIT}`))),
    ),
  ),
}) satisfies z.ZodMiniType<Omit<AuditRequest, 'cursor'> & { cursor?: AuditPosition }, Record<string, string>>;
const auditExportQuery = z.strictObject(filterFields) satisfies z.ZodMiniType<AuditFilter, Record<string, string>>;

export function registerAdminAuditRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/admin/audit', queryParams(auditQuery), async (c) => {
    const { cursor: after, limit: pageSize = DEFAULT_LIMIT, ...filter } = c.var.query;
    checkRange(filter);
    // One extra row tells whether another page exists without a count query.
    const rows = await readMerged(c.var.shards, { ...filter, after, limit: pageSize + 1 });
    const page = rows.slice(0, pageSize);
    c.header('Cache-Control', 'no-store');
    return c.json({
      entries: page.map(entryOf),
      nextCursor: rows.length > pageSize ? cursorOf(page[page.length - 1]!) : null,
    } satisfies AuditPage);
  });

  app.get('/v1/admin/audit/export', queryParams(auditExportQuery), async (c) => {
    const filter = c.var.query;
    checkRange(filter);
    const { db, now, operator, shards } = c.var;
    // An export copies the log out of the Worker: who did it, and with what filter, is itself logged.
    await insertAudit(db, { at: now, actorType: 'operator', actor: operator.name, action: 'audit.export', detail: { filter } }).run();
    const encoder = new TextEncoder();
    let after: AuditPosition | undefined;
    let sent = 0;
    const nextPage = () => readMerged(shards, { ...filter, after, limit: Math.min(EXPORT_PAGE, AUDIT_EXPORT_MAX_ROWS - sent) });
    // The first page is read before any byte is sent, so a database that is down answers 503,
    // not a 200 with a cut-off file; a later failure aborts the transfer, which the client sees.
    let page: MergedRow[] | undefined = await nextPage();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`${AUDIT_CSV_COLUMNS.join(',')}\r\n`));
      },
      async pull(controller) {
        const rows = page ?? (await nextPage());
        page = undefined;
        if (rows.length === 0) return controller.close();
        sent += rows.length;
        const last = rows[rows.length - 1]!;
        after = { at: last.row.at, entryId: last.entryId };
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

type MergedRow = ReturnType<typeof mergeAuditParts>[number];

function positionOf(cursor: string): AuditPosition {
  const [at, entryId] = cursor.split('.').map(Number) as [number, number];
  return { at, entryId };
}

function cursorOf(m: MergedRow): string {
  return `${m.row.at}.${m.entryId}`;
}

/**
 * A page of the log across holder databases: filtered by holder, only that holder's database is
 * read; otherwise every one, in parallel, each for at most `limit` rows, merged.
 */
async function readMerged(shards: Shards, q: AuditQuery): Promise<MergedRow[]> {
  const targets = q.holderId !== undefined ? [shards.ofHolderId(q.holderId)] : shards.all;
  const parts = await fanOut(targets, async (shard) => ({ shardIndex: shard.index, rows: await listAudit(shard.db, shard.index, q) }));
  return mergeAuditParts(parts, q.limit);
}

function entryOf({ row: r, entryId }: MergedRow): AuditEntry {
  return {
    id: entryId,
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
  };
}

function csvLine({ row: r, entryId }: MergedRow): string {
  const at = new Date(r.at * 1000).toISOString();
  return `${[entryId, at, r.actorType, r.actor, r.action, r.holderId, r.fromColor, r.toColor, r.reason, r.detail].map(csvField).join(',')}\r\n`;
}

/** RFC 4180 §2.6-2.7, and a leading = + - @ neutralised so a spreadsheet never runs a cell as a formula. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
