// A holder's full history for the admin view: every status event and check-in, oldest first.

import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Db } from './client.ts';
import { auditLog, type CheckinRow, checkins, type StatusEventRow, statusEvents } from './schema.ts';

/** An audit row an import wrote for this holder: what ties a status event to its import run. */
export interface ImportTrace {
  action: string;
  toColor: string | null;
  importId: string;
  detail: string | null;
}

/** A holder gains at most one check-in a day and a few events, so these stay small; capped anyway. */
const HISTORY_LIMIT = 2000;

export async function loadHistory(
  db: Db,
  holderId: string,
): Promise<{ events: StatusEventRow[]; checkins: CheckinRow[]; imports: ImportTrace[] }> {
  const [events, rows, traces] = await db.batch([
    db
      .select()
      .from(statusEvents)
      .where(eq(statusEvents.holderId, holderId))
      .orderBy(asc(statusEvents.at), asc(statusEvents.id))
      .limit(HISTORY_LIMIT),
    db.select().from(checkins).where(eq(checkins.holderId, holderId)).orderBy(asc(checkins.day)).limit(HISTORY_LIMIT),
    // status_events has no import column; the audit rows of the same batches carry it (audit_log_holder_idx).
    db
      .select({ action: auditLog.action, toColor: auditLog.toColor, importId: auditLog.importId, detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.holderId, holderId), isNotNull(auditLog.importId)))
      .orderBy(asc(auditLog.id))
      .limit(HISTORY_LIMIT),
  ]);
  return { events, checkins: rows, imports: traces as ImportTrace[] };
}
