// The one way a status changes: a single D1 batch holding the guarded holders update (with the
// holder's revocation cuts), then for every step its status_events row and its audit_log row, the
// outbox row of the window indices the plan's revocations need (worker/status/plan.ts,
// worker/feed/entries.ts), then the console's counters. This module only writes what the plan decided.
//
// Optimistic concurrency: the update matches only `status_version = <the version we read>` (plus
// any extra guard), and every later statement is `INSERT ... SELECT ... WHERE changes() = 1`, so
// each runs only if the statement before it wrote its one row. A lost race therefore writes
// nothing at all, and the caller sees `applied: false` and re-reads. D1 runs a batch as one
// transaction on its single writer, so nothing interleaves between these statements. The console's
// counters (./counters.ts) are the last links of the same chain.

import { and, eq, type SQL } from 'drizzle-orm';
import { localDate } from '../../src/index.ts';
import type { FeedEntries } from '../feed/entries.ts';
import type { StatusPlan, StatusStep } from '../status/plan.ts';
import { type Db, rawStatement, runBatch, statementOf } from './client.ts';
import { bumpDaily, moveColorCount, transitionMetric } from './counters.ts';
import { outboxEntryStatement } from './feed-entries.ts';
import { type HolderRow, holders } from './schema.ts';

export interface AuditFacts {
  action: string;
  detail?: Record<string, unknown>;
  /** The import run the change belongs to (audit_log.import_id). */
  importId?: string;
}

export interface StatusWrite {
  /** The holder row as read; its status_version guards the update. */
  holder: HolderRow;
  plan: StatusPlan;
  now: number;
  /** The issuer's zone: the console's daily counters are per local day (./counters.ts). */
  timeZone: string;
  audit: AuditFacts;
  /** Other holder columns to change in the same guarded update (a new secret hash on re-enrolment). */
  patch?: Partial<Pick<HolderRow, 'secretHash' | 'replacedSecretHash' | 'maskedName' | 'birthYear'>>;
  /** An extra condition on the guarded update, e.g. "no check-in yet today". */
  guard?: SQL;
  /** Single-row inserts that must happen only with the update (each must end in `where changes() = 1`). */
  gated?: D1PreparedStatement[];
  /** The feed entry and new cuts of a plan that revokes (worker/feed/writer.ts prepareFeedEntries). */
  feed?: FeedEntries;
}

export interface PreparedWrite {
  statements: D1PreparedStatement[];
  /** How many revocation rows the batch adds (for the feed's head cache). */
  revocations: number;
}

export function prepareStatusWrite(db: Db, w: StatusWrite): PreparedWrite {
  const { holder, plan, now } = w;
  // A revocation that reached no feed would leave the holder's old tokens valid everywhere.
  if (plan.revocations.length > 0 && !w.feed) throw new Error('a status write that revokes needs its feed entries');
  const version = and(eq(holders.id, holder.id), eq(holders.statusVersion, holder.statusVersion));
  const update = statementOf(
    db,
    db
      .update(holders)
      .set({
        ...w.patch,
        color: plan.after.color,
        since: plan.after.since,
        until: plan.after.until ?? null,
        isolationFrom: isolationFromOf(plan),
        statusVersion: holder.statusVersion + 1,
        updatedAt: now,
        // The cuts a token's revocation epoch is computed from, changed with the status they belong to.
        ...(w.feed ? { revocationCuts: w.feed.storedCuts } : {}),
      })
      .where(w.guard ? and(version, w.guard) : version),
  );
  const statements: D1PreparedStatement[] = [update, ...(w.gated ?? [])];
  for (const step of plan.steps) {
    statements.push(insertEvent(db, holder.id, step), insertAudit(db, now, holder.id, step, w.audit));
    statements.push(bumpDaily(db, localDate(step.at, w.timeZone), transitionMetric(step.to), 1, true));
  }
  // The feed entry: one row in the holder's own database's outbox, in the same chain, which
  // worker/feed/forward.ts copies into the feed (revocations and window_revocations).
  if (w.feed) statements.push(outboxEntryStatement(db, w.feed, now));
  // The console's counts per colour move with the row, in the same chain, as its last link
  // (counters.ts moveColorCount).
  statements.push(...moveColorCount(db, holder.color, plan.after.color, true));
  return { statements, revocations: plan.revocations.length };
}

/** Runs a prepared write; `applied` is false when the guard did not match (a lost race). */
export async function runStatusWrite(db: Db, prepared: PreparedWrite): Promise<{ applied: boolean }> {
  const results = await runBatch(db, prepared.statements);
  return { applied: results[0]!.meta.changes === 1 };
}

function insertEvent(db: Db, holderId: string, step: StatusStep): D1PreparedStatement {
  return rawStatement(
    db,
    'insert into status_events (holder_id, at, color, source, actor, reason, exposed_at) select ?, ?, ?, ?, ?, ?, ? where changes() = 1',
    holderId,
    step.at,
    step.to,
    step.source,
    step.actor,
    step.reason,
    step.exposedAt ?? null,
  );
}

function insertAudit(db: Db, now: number, holderId: string, step: StatusStep, facts: AuditFacts): D1PreparedStatement {
  const exposure = step.exposedAt === undefined ? {} : { exposedAt: step.exposedAt };
  const detail = JSON.stringify({ ...facts.detail, source: step.source, at: step.at, kind: step.kind, ...exposure });
  const action = step.source === 'rule' ? 'status.release' : step.kind === 'restart' ? 'status.restart' : facts.action;
  return rawStatement(
    db,
    'insert into audit_log (at, actor_type, actor, action, holder_id, from_color, to_color, reason, detail, import_id) select ?, ?, ?, ?, ?, ?, ?, ?, ?, ? where changes() = 1',
    now,
    step.actorType,
    step.actor,
    action,
    holderId,
    step.from,
    step.to,
    step.reason,
    detail,
    facts.importId ?? null,
  );
}

/** The holder row keeps the isolation start only when an exposure put it before `since`. */
function isolationFromOf(plan: StatusPlan): number | null {
  const { isolationFrom, since } = plan.after;
  return isolationFrom !== undefined && isolationFrom < since ? isolationFrom : null;
}
