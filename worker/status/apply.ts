// Read, plan, write, and on a lost race re-read and try again: the loop every status writer uses.
// A retry re-plans from the fresh row, so a change is never applied twice and never applied on
// top of a status it was not decided against.

import type { SQL } from 'drizzle-orm';
import { type Checkin, type DerivedStatus, localDate, type StatusPolicy } from '../../src/index.ts';
import { loadCheckins, toCheckin } from '../db/checkins.ts';
import type { Db } from '../db/client.ts';
import { findHolderById } from '../db/holders.ts';
import type { HolderRow } from '../db/schema.ts';
import { type AuditFacts, prepareStatusWrite, runStatusWrite } from '../db/status-writes.ts';
import { DomainError } from '../domain-errors.ts';
import { checkinWindowStart, planStatus, type Request, type StatusPlan } from './plan.ts';

const ATTEMPTS = 3;

/** What a write carries besides the plan. */
export interface WriteOptions {
  now: number;
  /** The issuer's zone, for the console's daily counters (db/counters.ts). */
  timeZone: string;
  audit: AuditFacts;
  /** Holder columns to change along with the steps (a new secret on re-enrolment). */
  patch?: Partial<Pick<HolderRow, 'secretHash' | 'replacedSecretHash' | 'maskedName' | 'birthYear'>>;
  /** An extra condition on the guarded update, e.g. "no check-in yet today". */
  guard?: SQL;
  /** Single-row inserts that happen only with the update (see db/status-writes.ts). */
  gated?: D1PreparedStatement[];
  /** Called after a write that added revocations (the feed's head cache). */
  onRevocation?: () => void;
}

export interface ApplyOptions extends Omit<WriteOptions, 'guard' | 'timeZone'> {
  policy: StatusPolicy;
  decide: (current: DerivedStatus) => Request | undefined;
  /** Who triggered the write, recorded on rule steps ("cron", "checkin", an operator). */
  ruleActor: string;
  /** Write nothing unless the requested change applies (operator actions that change nothing). */
  onlyWithRequest?: boolean;
}

export interface ApplyResult {
  holder: HolderRow;
  plan: StatusPlan;
  /** False when the plan had nothing to write. */
  written: boolean;
}

/**
 * The check-ins the rules need. Reading the status: none for green (check-ins alone never change
 * green), else those from the local day the status began. Before a write: also today's, because
 * a change made now starts a status whose run may already include today's check-in.
 */
export async function loadStatusInputs(
  db: Db,
  holder: HolderRow,
  policy: StatusPolicy,
  now: number,
  purpose: 'read' | 'write',
): Promise<Checkin[]> {
  if (holder.color === 'green' && purpose === 'read') return [];
  const today = localDate(now, policy.timeZone);
  const statusStart = checkinWindowStart(holder, policy);
  const fromDay = holder.color === 'green' || today < statusStart ? today : statusStart;
  return (await loadCheckins(db, holder.id, fromDay)).map(toCheckin);
}

/** Plans against `holder` and writes. After a lost race it re-reads the holder and plans again, up to three times. */
export async function applyStatus(db: Db, first: HolderRow, o: ApplyOptions): Promise<ApplyResult> {
  let holder = first;
  for (let attempt = 1; ; attempt++) {
    const checkins = await loadStatusInputs(db, holder, o.policy, o.now, 'write');
    const plan = planStatus(holder, checkins, o.now, o.policy, o.decide, o.ruleActor);
    if ((plan.steps.length === 0 && !o.gated) || (o.onlyWithRequest && !plan.requestApplied)) return { holder, plan, written: false };
    const updated = await writePlan(db, holder, plan, { ...o, timeZone: o.policy.timeZone });
    if (updated) return { holder: updated, plan, written: true };
    if (attempt >= ATTEMPTS) throw new DomainError('conflict', 'The holder changed while this request was applied; try again.');
    const fresh = await findHolderById(db, holder.id);
    if (!fresh) throw new DomainError('conflict', 'The holder disappeared while this request was applied.');
    holder = fresh;
  }
}

/** Writes one plan in one batch; returns the updated row, or undefined after a lost race. */
export async function writePlan(db: Db, holder: HolderRow, plan: StatusPlan, o: WriteOptions): Promise<HolderRow | undefined> {
  const prepared = prepareStatusWrite(db, {
    holder,
    plan,
    now: o.now,
    timeZone: o.timeZone,
    audit: o.audit,
    patch: o.patch,
    guard: o.guard,
    gated: o.gated,
  });
  const { applied } = await runStatusWrite(db, prepared);
  if (!applied) return undefined;
  if (prepared.revocations > 0) o.onRevocation?.();
  return {
    ...holder,
    ...o.patch,
    color: plan.after.color,
    since: plan.after.since,
    until: plan.after.until ?? null,
    statusVersion: holder.statusVersion + 1,
    updatedAt: o.now,
  };
}
