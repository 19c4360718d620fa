// Key-people list rows for people not yet enrolled (docs/status-rules.md "Key-people lists"):
// what a row asks for, and applying it the moment the person enrols, inside the holder-creation
// batch (worker/holders/enrol.ts createHolder), so a listed person never starts green.

import type { BatchItem } from 'drizzle-orm/batch';
import { type Color, type DerivedStatus, isDowngrade, isolationEndOf, localDate, type StatusPolicy } from '../../src/index.ts';
import { insertAudit } from '../db/audit.ts';
import type { Db } from '../db/client.ts';
import { bumpDailyQuery, transitionMetric } from '../db/counters.ts';
import { deletePending, findPending } from '../db/pending.ts';
import { type HolderRow, type PendingStatusRow, statusEvents } from '../db/schema.ts';
import type { FeedWriter } from '../feed/writer.ts';
import { applyStatus } from './apply.ts';
import { planStatus, type Request } from './plan.ts';

/** The change a pending row asks for: the list's colour, isolating from its exposure. */
export function pendingRequest(row: PendingStatusRow): Request {
  return {
    to: row.color,
    source: 'import',
    actorType: 'import',
    actor: row.actor,
    reason: row.reason,
    exposedAt: row.exposedAt ?? row.createdAt,
  };
}

/** When a pending row stops mattering: the end of the isolation it implies. */
export function pendingExpiry(color: 'red' | 'yellow', exposedAt: number, policy: StatusPolicy): number {
  return isolationEndOf(color, exposedAt, policy);
}

export interface StartingStatus {
  /** The status the new holder starts with: the declaration's, made stricter by a pending row. */
  status: DerivedStatus;
  /** Statements for the creation batch: the list's status event and audit row, and the row's deletion. */
  statements(holderId: string): BatchItem<'sqlite'>[];
}

/**
 * The declaration sets the starting colour; a pending list row can only make it stricter (or, at
 * the same colour, count the isolation from its exposure when that ends later).
 */
export async function startingStatus(
  db: Db,
  policy: StatusPolicy,
  now: number,
  idHash: Uint8Array,
  declared: Color,
): Promise<StartingStatus> {
  const row = await findPending(db, idHash, now);
  const declaredStatus = { color: declared, since: now };
  const plan = planStatus(
    declaredStatus,
    [],
    now,
    policy,
    (current) => (row && row.color !== 'green' && !isDowngrade(row.color, current.color) ? pendingRequest(row) : undefined),
    'enrolment',
  );
  return {
    status: plan.after,
    statements: (holderId) => {
      if (!row) return [];
      const items: BatchItem<'sqlite'>[] = [deletePending(db, idHash)];
      for (const step of plan.steps) {
        items.push(
          db.insert(statusEvents).values({
            holderId,
            at: step.at,
            color: step.to,
            source: step.source,
            actor: step.actor,
            reason: step.reason,
            exposedAt: step.exposedAt ?? null,
          }),
          bumpDailyQuery(db, localDate(step.at, policy.timeZone), transitionMetric(step.to)),
        );
      }
      items.push(
        insertAudit(db, {
          at: now,
          actorType: 'import',
          actor: row.actor,
          action: plan.requestApplied ? 'import.pending_applied' : 'import.pending_dropped',
          holderId,
          fromColor: declared,
          toColor: plan.after.color,
          reason: plan.requestApplied ? row.reason : `${row.reason} (not applied: the declaration is as strict or stricter)`,
          detail: { importId: row.importId, line: row.line, exposedAt: row.exposedAt },
          importId: row.importId,
        }),
      );
      return items;
    },
  };
}

/**
 * A list row kept after startingStatus read and before the creation batch committed (an import
 * racing the enrolment) would otherwise stay pending for someone already enrolled: read again
 * once the holder exists and apply it through the status writer. Rows kept later than this read
 * never exist: an import does not keep a row once the holder exists (worker/db/pending.ts).
 */
export async function applyLatePending(
  db: Db,
  policy: StatusPolicy,
  now: number,
  holder: HolderRow,
  feed: FeedWriter,
): Promise<{ holder: HolderRow; status: DerivedStatus } | undefined> {
  const row = await findPending(db, holder.idHash, now);
  if (!row) return undefined;
  const result = await applyStatus(db, holder, {
    now,
    policy,
    ruleActor: 'enrolment',
    audit: { action: 'import.pending_applied', detail: { importId: row.importId, line: row.line }, importId: row.importId },
    onlyWithRequest: true,
    decide: (current) => (row.color !== 'green' && !isDowngrade(row.color, current.color) ? pendingRequest(row) : undefined),
    feed,
  });
  await deletePending(db, holder.idHash).run();
  return { holder: result.holder, status: result.plan.after };
}
