// The status writer: read, plan, write, and on a lost race re-read and try again. The only
// optimistic-retry loop; operator changes, imports, check-ins, declarations (enrolment) and the
// cron all write through here. A retry re-plans from the fresh row, so a change is never applied
// twice and never applied on top of a status it was not decided against.

import type { SQL } from 'drizzle-orm';
import { type Checkin, localDate, type StatusPolicy } from '../../src/index.ts';
import { insertAudit } from '../db/audit.ts';
import { loadCheckins, toCheckin } from '../db/checkins.ts';
import { type Db, runBatch, statementOf } from '../db/client.ts';
import { findHolderById } from '../db/holders.ts';
import type { HolderRow } from '../db/schema.ts';
import { type AuditFacts, prepareStatusWrite, runStatusWrite } from '../db/status-writes.ts';
import { DomainError } from '../domain-errors.ts';
import { type FeedWriter, prepareFeedEntries } from '../feed/writer.ts';
import { checkinWindowStart, planStatus, type Request, type StatusPlan } from './plan.ts';

const ATTEMPTS = 3;

export interface ApplyOptions {
  now: number;
  policy: StatusPolicy;
  audit: AuditFacts;
  /** Who triggered the write, recorded on rule steps ("cron", "checkin", an operator). */
  ruleActor: string;
  /** Called with the current derived status; returns the change to ask for, if any. */
  decide?: (current: StatusPlan['current']) => Request | undefined;
  /** Write nothing unless the requested change applies (operator actions that change nothing). */
  onlyWithRequest?: boolean;
  /** Holder columns to change along with the steps (a new secret on re-enrolment). */
  patch?: Partial<Pick<HolderRow, 'secretHash' | 'replacedSecretHash' | 'maskedName' | 'birthYear'>>;
  /** An extra condition on the guarded update, e.g. "no check-in yet today". */
  guard?: SQL;
  /** Single-row inserts that happen only with the update (see db/status-writes.ts). */
  gated?: D1PreparedStatement[];
  /**
   * The check-ins the plan sees, from those stored, with the guard and gated rows that record the
   * new one; undefined stops the write (the day already has a check-in). Called again on every
   * retry, with a fresh read.
   */
  withCheckins?: (stored: Checkin[]) => AttemptInputs | undefined;
  /** Where a downgrade's window indices go (worker/feed/writer.ts); told after a write that added some. */
  feed: FeedWriter;
}

export interface AttemptInputs {
  checkins: Checkin[];
  guard?: SQL;
  gated?: D1PreparedStatement[];
  /**
   * When the plan has no steps, this single statement is the whole write (a check-in that
   * changes no status leaves the holder row alone); writing no row counts as a lost race.
   */
  alone?: D1PreparedStatement;
  /** Statements run in `alone`'s batch, each gated on the one before it (the console's counters). */
  aloneThen?: D1PreparedStatement[];
}

export interface ApplyResult {
  holder: HolderRow;
  plan: StatusPlan;
  /** False when the plan had nothing to write. */
  written: boolean;
  /** True when withCheckins stopped the write. */
  stopped: boolean;
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
    const stored = await loadStatusInputs(db, holder, o.policy, o.now, 'write');
    const inputs = o.withCheckins ? o.withCheckins(stored) : { checkins: stored };
    if (inputs === undefined) {
      return { holder, plan: planFor(holder, stored, { ...o, decide: undefined }), written: false, stopped: true };
    }
    const plan = planFor(holder, inputs.checkins, o);
    if ('alone' in inputs && inputs.alone !== undefined && plan.steps.length === 0) {
      const [result] = await runBatch(db, [inputs.alone, ...(inputs.aloneThen ?? [])]);
      if (result!.meta.changes === 1) return { holder, plan, written: true, stopped: false };
    } else {
      const updated = await writeAttempt(db, holder, plan, { ...o, guard: inputs.guard ?? o.guard, gated: inputs.gated ?? o.gated });
      if (updated === 'nothing') return { holder, plan, written: false, stopped: false };
      if (updated) return { holder: updated, plan, written: true, stopped: false };
    }
    if (attempt >= ATTEMPTS) throw new DomainError('conflict', 'The holder changed while this request was applied; try again.');
    const fresh = await findHolderById(db, holder.id);
    if (!fresh) throw new DomainError('conflict', 'The holder disappeared while this request was applied.');
    holder = fresh;
  }
}

/** Writes the plan if it needs writing ('nothing' otherwise, after auditing a lapsed exposure). */
async function writeAttempt(db: Db, holder: HolderRow, plan: StatusPlan, o: ApplyOptions): Promise<HolderRow | 'nothing' | undefined> {
  if (needsWrite(holder, plan, o)) return writePlan(db, holder, plan, o);
  const lapsed = recordLapsed(db, holder, plan, o);
  if (lapsed) await runBatch(db, [lapsed]);
  return 'nothing';
}

/** One write attempt: one batch; returns the updated row, or undefined after a lost race. */
export async function writePlan(
  db: Db,
  holder: HolderRow,
  plan: StatusPlan,
  o: Pick<ApplyOptions, 'now' | 'policy' | 'audit' | 'patch' | 'guard' | 'gated' | 'feed'>,
): Promise<HolderRow | undefined> {
  const entries = await prepareFeedEntries(o.feed, holder, plan.revocations, o.now);
  const prepared = prepareStatusWrite(db, {
    holder,
    plan,
    now: o.now,
    timeZone: o.policy.timeZone,
    audit: o.audit,
    patch: o.patch,
    guard: o.guard,
    gated: o.gated,
    feed: entries,
  });
  if (!(await runStatusWrite(db, prepared)).applied) return undefined;
  if (prepared.revocations > 0) o.feed.onRevocation(db);
  return afterWrite(holder, plan, o, entries?.storedCuts);
}

export interface ManyItem {
  holder: HolderRow;
  options: ApplyOptions;
}

/**
 * Many holders at once (the import, the cron): one D1 batch for every first attempt, planned
 * against check-ins already read for the whole group; each holder that lost a race goes through
 * applyStatus from a fresh read.
 */
export async function applyStatusMany(db: Db, items: ManyItem[], checkins: ReadonlyMap<string, Checkin[]>): Promise<ApplyResult[]> {
  const results: (ApplyResult | undefined)[] = [];
  const statements: D1PreparedStatement[] = [];
  const guards = new Map<number, { at: number; plan: StatusPlan }>();
  const cuts = new Map<number, string | undefined>();
  for (const [i, { holder, options: o }] of items.entries()) {
    const plan = planFor(holder, checkins.get(holder.id) ?? [], o);
    if (!needsWrite(holder, plan, o)) {
      const lapsed = recordLapsed(db, holder, plan, o);
      if (lapsed) statements.push(lapsed);
      results[i] = { holder, plan, written: false, stopped: false };
      continue;
    }
    guards.set(i, { at: statements.length, plan });
    const entries = await prepareFeedEntries(o.feed, holder, plan.revocations, o.now);
    cuts.set(i, entries?.storedCuts);
    statements.push(
      ...prepareStatusWrite(db, {
        holder,
        plan,
        now: o.now,
        timeZone: o.policy.timeZone,
        audit: o.audit,
        patch: o.patch,
        guard: o.guard,
        gated: o.gated,
        feed: entries,
      }).statements,
    );
  }
  const written = await runBatch(db, statements);
  for (const [i, { at, plan }] of guards) {
    const { holder, options: o } = items[i]!;
    if (written[at]!.meta.changes === 1) {
      if (plan.revocations.length > 0) o.feed.onRevocation(db);
      results[i] = { holder: afterWrite(holder, plan, o, cuts.get(i)), plan, written: true, stopped: false };
      continue;
    }
    const fresh = await findHolderById(db, holder.id);
    if (!fresh) throw new DomainError('conflict', 'The holder disappeared while this request was applied.');
    results[i] = await applyStatus(db, fresh, o);
  }
  return results as ApplyResult[];
}

function planFor(holder: HolderRow, checkins: readonly Checkin[], o: ApplyOptions): StatusPlan {
  return planStatus(holder, checkins, o.now, o.policy, o.decide ?? (() => undefined), o.ruleActor);
}

/** Steps, gated rows, or a projection (`until`) that moved: anything the holder row must carry. */
function needsWrite(holder: HolderRow, plan: StatusPlan, o: ApplyOptions): boolean {
  if (o.onlyWithRequest && !plan.requestApplied) return false;
  return plan.steps.length > 0 || (o.gated?.length ?? 0) > 0 || (plan.after.until ?? null) !== holder.until;
}

/** docs/status-rules.md: an exposure whose isolation is already over changes nothing, and says so. */
function recordLapsed(db: Db, holder: HolderRow, plan: StatusPlan, o: ApplyOptions): D1PreparedStatement | undefined {
  if (plan.decision?.kind !== 'lapsed' || !plan.request) return undefined;
  const ended = new Date(plan.decision.isolationEnd * 1000).toISOString();
  return statementOf(
    db,
    insertAudit(db, {
      at: o.now,
      actorType: plan.request.actorType,
      actor: plan.request.actor,
      action: 'status.exposure_lapsed',
      holderId: holder.id,
      fromColor: plan.current.color,
      toColor: plan.current.color,
      reason: `${plan.request.reason} (not applied: the ${plan.request.to} isolation this exposure implies ended at ${ended})`,
      detail: {
        ...o.audit.detail,
        requested: plan.request.to,
        exposedAt: plan.request.exposedAt,
        isolationEnd: plan.decision.isolationEnd,
      },
      importId: o.audit.importId,
    }),
  );
}

function afterWrite(
  holder: HolderRow,
  plan: StatusPlan,
  o: Pick<ApplyOptions, 'now' | 'patch'>,
  storedCuts: string | undefined,
): HolderRow {
  const { isolationFrom, since } = plan.after;
  return {
    ...holder,
    ...o.patch,
    revocationCuts: storedCuts ?? holder.revocationCuts,
    color: plan.after.color,
    since,
    until: plan.after.until ?? null,
    isolationFrom: isolationFrom !== undefined && isolationFrom < since ? isolationFrom : null,
    statusVersion: holder.statusVersion + 1,
    updatedAt: o.now,
  };
}
