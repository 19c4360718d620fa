// Daily check-ins (POST /v1/holders/me/checkins, docs/api.md). The first check-in of a calendar
// day in the issuer's zone counts. A later one the same day counts only if it reports symptoms or
// a fever the day's record did not have: it replaces that record, so a fever is never discarded
// (docs/status-rules.md). Any other repeat changes nothing and says why.
//
// Every check-in goes through the status writer (worker/status/apply.ts). One that changes no
// status is a single conditional write of the day's row; one that does (a release, a green holder
// turning yellow) is a row gated on the guarded holder update, recorded together with the change.
// Either way a lost race means the decision is taken again from a fresh read.

import { and, eq, exists, notExists, sql } from 'drizzle-orm';
import { type Checkin, checkinConsequence, type DerivedStatus, isSymptomatic, localDate, type StatusPolicy } from '../../src/index.ts';
import { type Db, rawStatement } from '../db/client.ts';
import { bumpDaily } from '../db/counters.ts';
import { checkins, type HolderRow } from '../db/schema.ts';
import type { FeedWriter } from '../feed/writer.ts';
import { applyStatus } from '../status/apply.ts';
import type { Request } from '../status/plan.ts';

export interface CheckinInput {
  symptoms: boolean;
  temperature?: number | undefined;
}

/** Why a check-in was not counted: the day already has one that this one does not make stricter. */
export type NotCountedReason = 'already_checked_in';

export interface CheckinOutcome {
  day: string;
  counted: boolean;
  notCounted?: NotCountedReason;
  /** Counted and clean: it extends the run of clean days (or keeps a green holder green). */
  clean: boolean;
  /** It replaced an earlier clean check-in of the same day. */
  replacedEarlier: boolean;
  status: DerivedStatus;
}

export async function recordCheckin(
  db: Db,
  policy: StatusPolicy,
  now: number,
  holder: HolderRow,
  input: CheckinInput,
  feed: FeedWriter,
): Promise<CheckinOutcome> {
  const day = localDate(now, policy.timeZone);
  const checkin: Checkin = { at: now, symptoms: input.symptoms, temperature: input.temperature };
  const symptomatic = isSymptomatic(checkin, policy);
  let replaces: Checkin | undefined;
  const sameDay = and(eq(checkins.holderId, holder.id), eq(checkins.day, day));
  const result = await applyStatus(db, holder, {
    now,
    policy,
    ruleActor: 'checkin',
    audit: { action: 'status.checkin', detail: { day } },
    withCheckins: (stored) => {
      const earlier = stored.find((c) => localDate(c.at, policy.timeZone) === day);
      replaces = earlier && symptomatic && !isSymptomatic(earlier, policy) ? earlier : undefined;
      if (earlier && !replaces) return undefined;
      // Recorded only if the day's record is still what was read: none, or the clean one replaced.
      const row = db.select({ one: sql`1` }).from(checkins);
      return {
        checkins: [...stored.filter((c) => c !== replaces), checkin],
        guard: replaces ? exists(row.where(and(sameDay, eq(checkins.at, replaces.at)))) : notExists(row.where(sameDay)),
        // A day's first check-in is counted for the console (db/counters.ts); a replacement is not.
        gated: replaces
          ? [replaceRow(db, holder.id, day, now, input)]
          : [insertRow(db, holder.id, day, now, input), bumpDaily(db, day, 'checkins', 1, true)],
        alone: replaces
          ? replaceRow(db, holder.id, day, now, input, replaces.at)
          : db.$client
              .prepare('insert into checkins (holder_id, day, at, symptoms, temperature) values (?, ?, ?, ?, ?) on conflict do nothing')
              .bind(holder.id, day, now, input.symptoms ? 1 : 0, input.temperature ?? null),
        aloneThen: [...(replaces ? [] : [bumpDaily(db, day, 'checkins', 1, true)]), dropObsoleteGreenCheckins(db, holder.id, day)],
      };
    },
    decide: (current) => consequenceOf(current, checkin, policy),
    feed,
  });
  if (result.stopped) {
    return { day, counted: false, notCounted: 'already_checked_in', clean: false, replacedEarlier: false, status: result.plan.after };
  }
  return { day, counted: true, clean: !symptomatic, replacedEarlier: replaces !== undefined, status: result.plan.after };
}

function insertRow(db: Db, holderId: string, day: string, at: number, input: CheckinInput): D1PreparedStatement {
  return rawStatement(
    db,
    'insert into checkins (holder_id, day, at, symptoms, temperature) select ?, ?, ?, ?, ? where changes() = 1',
    holderId,
    day,
    at,
    input.symptoms ? 1 : 0,
    input.temperature ?? null,
  );
}

/** Gated on the statement before it; or, on its own, on the day's record still being `replacedAt`'s. */
function replaceRow(db: Db, holderId: string, day: string, at: number, input: CheckinInput, replacedAt?: number): D1PreparedStatement {
  const condition = replacedAt === undefined ? 'changes() = 1' : 'at = ?';
  return rawStatement(
    db,
    `update checkins set at = ?, symptoms = ?, temperature = ? where holder_id = ? and day = ? and ${condition}`,
    at,
    input.symptoms ? 1 : 0,
    input.temperature ?? null,
    holderId,
    day,
    ...(replacedAt === undefined ? [] : [replacedAt]),
  );
}

/**
 * A green holder's clean check-ins from before today are read by no rule: the rules count
 * check-ins from the local day a red or yellow status began (status/plan.ts checkinWindowStart),
 * and a green status ends only by a new event. So each check-in of a green holder deletes that
 * holder's earlier ones from the current green period (docs/operations.md "What is kept"); those
 * of an earlier red or yellow period (before `since`) stay for the retention window, for appeals.
 * Decided on the holder row as it is when the batch runs, so a holder downgraded meanwhile loses
 * nothing. At 70 M holders checking in daily this is most of the storage (docs/scale.md).
 */
function dropObsoleteGreenCheckins(db: Db, holderId: string, today: string): D1PreparedStatement {
  return rawStatement(
    db,
    "delete from checkins where holder_id = ?1 and day < ?2 and at >= (select since from holders where id = ?1 and color = 'green')",
    holderId,
    today,
  );
}

function consequenceOf(current: DerivedStatus, checkin: Checkin, policy: StatusPolicy): Request | undefined {
  const to = checkinConsequence(current, checkin, policy);
  return to ? { to, source: 'checkin', actorType: 'holder', actor: 'holder', reason: symptomReason(checkin, policy) } : undefined;
}

function symptomReason(c: Checkin, policy: StatusPolicy): string {
  if (c.symptoms) return 'daily check-in reported symptoms';
  return `daily check-in reported a temperature of at least ${policy.feverThresholdCelsius} °C`;
}
