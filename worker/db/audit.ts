// The audit log: appended in the same batch as whatever it records, in the database of the holder
// it is about (the home database for the rest), read newest first with a keyset cursor on
// (at, id), so paging stays an index range scan however long the log grows. The
// console filters by actor, action and time range on their own indexes (migrations/0004_console.sql).

import { and, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import type { Color } from '../../src/index.ts';
import type { ActorType } from '../status/plan.ts';
import { type Db, rawStatement } from './client.ts';
import { type AuditRow, auditLog } from './schema.ts';

export interface AuditEntry {
  at: number;
  actorType: ActorType;
  actor: string;
  action: string;
  holderId?: string;
  fromColor?: Color;
  toColor?: Color;
  reason?: string;
  detail?: Record<string, unknown>;
  /** The import run this entry belongs to. */
  importId?: string | undefined;
}

export function insertAudit(db: Db, entry: AuditEntry) {
  return db.insert(auditLog).values({
    at: entry.at,
    actorType: entry.actorType,
    actor: entry.actor,
    action: entry.action,
    holderId: entry.holderId ?? null,
    fromColor: entry.fromColor ?? null,
    toColor: entry.toColor ?? null,
    reason: entry.reason ?? null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
    importId: entry.importId ?? null,
  });
}

/** The same row, written only if the previous statement in the batch wrote one (status-writes.ts). */
export function insertAuditIfChanged(db: Db, e: AuditEntry): D1PreparedStatement {
  return rawStatement(
    db,
    'insert into audit_log (at, actor_type, actor, action, holder_id, from_color, to_color, reason, detail, import_id) select ?, ?, ?, ?, ?, ?, ?, ?, ?, ? where changes() = 1',
    e.at,
    e.actorType,
    e.actor,
    e.action,
    e.holderId ?? null,
    e.fromColor ?? null,
    e.toColor ?? null,
    e.reason ?? null,
    e.detail ? JSON.stringify(e.detail) : null,
    e.importId ?? null,
  );
}

/**
 * Where a page of the merged log ends (docs/console.md "Audit log"): entries are ordered newest
 * first by (at, entry id), and an entry id is `row id * AUDIT_SHARD_SPAN + shard index`, unique
 * across the holder databases.
 */
export interface AuditPosition {
  at: number;
  entryId: number;
}

/** Room for 256 holder databases in an entry id; row ids stay far below 2^44. */
export const AUDIT_SHARD_SPAN = 256;

export function auditEntryId(rowId: number, shardIndex: number): number {
  return rowId * AUDIT_SHARD_SPAN + shardIndex;
}

export interface AuditQuery {
  /** Return entries after this position in newest-first order (the previous page's end). */
  after?: AuditPosition;
  limit: number;
  holderId?: string;
  actorType?: ActorType;
  actor?: string;
  action?: string;
  /** Entries at or after this instant (seconds). */
  from?: number;
  /** Entries before this instant (seconds). */
  to?: number;
  importId?: string;
}

/** One holder database's part of a page: newest first by (at, id), through audit_log_at_idx. */
export async function listAudit(db: Db, shardIndex: number, q: AuditQuery): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (q.after !== undefined) {
    // Rows of this database whose entry id is below the cursor's: id * span + shard < entryId.
    const idBelow = Math.ceil((q.after.entryId - shardIndex) / AUDIT_SHARD_SPAN);
    where.push(or(lt(auditLog.at, q.after.at), and(eq(auditLog.at, q.after.at), lt(auditLog.id, idBelow)))!);
  }
  if (q.holderId !== undefined) where.push(eq(auditLog.holderId, q.holderId));
  if (q.actorType !== undefined) where.push(eq(auditLog.actorType, q.actorType));
  if (q.actor !== undefined) where.push(eq(auditLog.actor, q.actor));
  if (q.action !== undefined) where.push(eq(auditLog.action, q.action));
  if (q.from !== undefined) where.push(gte(auditLog.at, q.from));
  if (q.to !== undefined) where.push(lt(auditLog.at, q.to));
  if (q.importId !== undefined) where.push(eq(auditLog.importId, q.importId));
  return db
    .select()
    .from(auditLog)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(q.limit)
    .all();
}

/** Rows of several databases' parts merged into one newest-first page of at most `limit`. */
export function mergeAuditParts(parts: readonly { shardIndex: number; rows: readonly AuditRow[] }[], limit: number) {
  const all = parts.flatMap(({ shardIndex, rows }) => rows.map((row) => ({ row, entryId: auditEntryId(row.id, shardIndex) })));
  all.sort((a, b) => b.row.at - a.row.at || b.entryId - a.entryId);
  return all.slice(0, limit);
}
