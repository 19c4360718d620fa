// Daily check-ins (POST /v1/holders/me/checkins, docs/api.md). One counts per calendar day in the
// issuer's zone: the first. A repeat the same day changes nothing and says so.
//
// A check-in that changes nothing else is a single idempotent insert. One that changes the
// status (a symptomatic check-in on green, or the one completing the run that releases a red or
// yellow holder) is recorded in the same batch as that change, guarded so that it happens only if
// there is still no check-in for the day and the status is still the one the change was decided
// against; otherwise the whole decision is taken again.

import { and, eq, notExists, sql } from 'drizzle-orm';
import { type Checkin, checkinConsequence, type DerivedStatus, localDate, type StatusPolicy } from '../../src/index.ts';
import { type Db, rawStatement, runBatch, statementOf } from '../db/client.ts';
import { bumpDaily } from '../db/counters.ts';
import { findHolderById } from '../db/holders.ts';
import { checkins, type HolderRow } from '../db/schema.ts';
import { DomainError } from '../domain-errors.ts';
import { loadStatusInputs, writePlan } from '../status/apply.ts';
import { currentStatus, planStatus } from '../status/plan.ts';

export interface CheckinInput {
  symptoms: boolean;
  temperature?: number | undefined;
}

export interface CheckinOutcome {
  day: string;
  /** False when the holder had already checked in that day. */
  counted: boolean;
  status: DerivedStatus;
}

const ATTEMPTS = 3;

export async function recordCheckin(
  db: Db,
  policy: StatusPolicy,
  now: number,
  first: HolderRow,
  input: CheckinInput,
  onRevocation: () => void,
): Promise<CheckinOutcome> {
  const day = localDate(now, policy.timeZone);
  const checkin: Checkin = { at: now, symptoms: input.symptoms, temperature: input.temperature };
  let holder = first;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const inputs = await loadStatusInputs(db, holder, policy, now, 'write');
    const already = (): CheckinOutcome => ({ day, counted: false, status: currentStatus(holder, inputs, now, policy) });
    // Inputs for a write always include today's check-ins (loadStatusInputs): one already there,
    // possibly from a request that won a race against this one, means this one does not count.
    if (inputs.some((c) => localDate(c.at, policy.timeZone) === day)) return already();
    const plan = planStatus(holder, [...inputs, checkin], now, policy, (current) => consequenceOf(current, checkin, policy), 'checkin');
    const row = { holderId: holder.id, day, at: now, symptoms: input.symptoms, temperature: input.temperature ?? null };
    if (plan.steps.length === 0) {
      // The insert and the console's count of it (db/counters.ts), counted only if it inserted.
      const [inserted] = await runBatch(db, [
        statementOf(db, db.insert(checkins).values(row).onConflictDoNothing()),
        bumpDaily(db, day, 'checkins', 1, true),
      ]);
      return inserted!.meta.changes === 1 ? { day, counted: true, status: plan.after } : already();
    }
    const updated = await writePlan(db, holder, plan, {
      now,
      timeZone: policy.timeZone,
      audit: { action: 'status.checkin', detail: { day } },
      guard: notExists(
        db
          .select({ one: sql`1` })
          .from(checkins)
          .where(and(eq(checkins.holderId, holder.id), eq(checkins.day, day))),
      ),
      gated: [
        rawStatement(
          db,
          'insert into checkins (holder_id, day, at, symptoms, temperature) select ?, ?, ?, ?, ? where changes() = 1',
          row.holderId,
          row.day,
          row.at,
          row.symptoms ? 1 : 0,
          row.temperature,
        ),
        bumpDaily(db, day, 'checkins', 1, true),
      ],
      onRevocation,
    });
    if (updated) return { day, counted: true, status: plan.after };
    const fresh = await findHolderById(db, holder.id);
    if (!fresh) break;
    holder = fresh;
  }
  throw new DomainError('conflict', 'The holder changed while the check-in was recorded; try again.');
}

function consequenceOf(current: DerivedStatus, checkin: Checkin, policy: StatusPolicy) {
  const to = checkinConsequence(current, checkin, policy);
  return to
    ? { to, source: 'checkin' as const, actorType: 'holder' as const, actor: 'holder', reason: symptomReason(checkin, policy) }
    : undefined;
}

function symptomReason(c: Checkin, policy: StatusPolicy): string {
  if (c.symptoms) return 'daily check-in reported symptoms';
  return `daily check-in reported a temperature of at least ${policy.feverThresholdCelsius} °C`;
}
