// Reads of the checkins table. Only check-ins from the local day the current status began matter
// to deriveStatus (src/status-rules.ts counts runs after `since`), so reads start there.

import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import type { Checkin } from '../../src/index.ts';
import { chunk, type Db } from './client.ts';
import { type CheckinRow, checkins } from './schema.ts';

export function toCheckin(row: CheckinRow): Checkin {
  return { at: row.at, symptoms: row.symptoms, temperature: row.temperature ?? undefined };
}

export async function loadCheckins(db: Db, holderId: string, fromDay: string): Promise<CheckinRow[]> {
  return db
    .select()
    .from(checkins)
    .where(and(eq(checkins.holderId, holderId), gte(checkins.day, fromDay)))
    .orderBy(asc(checkins.day))
    .all();
}

/** Check-ins of many holders from `fromDay` on, grouped by holder id. */
export async function loadCheckinsForMany(
  db: Db,
  holderIds: readonly string[],
  fromDay: string,
  perQuery: number,
): Promise<Map<string, CheckinRow[]>> {
  const byHolder = new Map<string, CheckinRow[]>();
  for (const part of chunk(holderIds, perQuery - 1)) {
    const rows = await db
      .select()
      .from(checkins)
      .where(and(inArray(checkins.holderId, part), gte(checkins.day, fromDay)))
      .orderBy(asc(checkins.day))
      .all();
    for (const row of rows) {
      const list = byHolder.get(row.holderId);
      if (list) list.push(row);
      else byHolder.set(row.holderId, [row]);
    }
  }
  return byHolder;
}
