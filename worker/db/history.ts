// A holder's full history for the admin view: every status event and check-in, oldest first.

import { asc, eq } from 'drizzle-orm';
import type { Db } from './client.ts';
import { type CheckinRow, checkins, type StatusEventRow, statusEvents } from './schema.ts';

/** A holder gains at most one check-in a day and a few events, so these stay small; capped anyway. */
const HISTORY_LIMIT = 2000;

export async function loadHistory(db: Db, holderId: string): Promise<{ events: StatusEventRow[]; checkins: CheckinRow[] }> {
  const [events, rows] = await db.batch([
    db
      .select()
      .from(statusEvents)
      .where(eq(statusEvents.holderId, holderId))
      .orderBy(asc(statusEvents.at), asc(statusEvents.id))
      .limit(HISTORY_LIMIT),
    db.select().from(checkins).where(eq(checkins.holderId, holderId)).orderBy(asc(checkins.day)).limit(HISTORY_LIMIT),
  ]);
  return { events, checkins: rows };
}
