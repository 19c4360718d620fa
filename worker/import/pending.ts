// Import rows for ID numbers nobody has enrolled with: kept in pending_statuses under the keyed
// hash (never the ID number), one batch per group. A row identical to the one kept changes
// nothing (a re-run is a no-op); a different one supersedes it; a green row clears it. Each
// write is audited under the import's id, without the hash. A row whose person enrolled after
// the import looked them up is not kept but handed back, to be applied to that holder.

import { insertAudit, insertAuditIfChanged } from '../db/audit.ts';
import { hashKey, runBatch, statementOf } from '../db/client.ts';
import { deletePending, upsertPending } from '../db/pending.ts';
import type { PendingStatusRow } from '../db/schema.ts';
import { pendingExpiry } from '../status/pending.ts';
import type { ImportContext } from './apply.ts';
import type { ImportRow } from './parse.ts';

export type PendingOutcome = 'pending' | 'unchanged' | 'enrolled';

export interface UnknownRow {
  row: ImportRow;
  idHash: Uint8Array;
}

export async function keepPending(
  ctx: ImportContext,
  group: UnknownRow[],
  existing: ReadonlyMap<string, PendingStatusRow>,
): Promise<PendingOutcome[]> {
  const { db, now } = ctx;
  const writes: D1PreparedStatement[] = [];
  const outcomes: PendingOutcome[] = [];
  /** Where each kept row's guarded upsert sits in the batch. */
  const upserts = new Map<number, number>();
  for (const [i, { row, idHash }] of group.entries()) {
    const kept = existing.get(hashKey(idHash));
    const facts = (action: string, reason: string, extra: Record<string, unknown> = {}) => ({
      at: now,
      actorType: 'import' as const,
      actor: ctx.operator,
      action,
      toColor: row.color,
      reason,
      detail: { importId: ctx.importId, line: row.line, ...extra },
      importId: ctx.importId,
    });
    if (row.color === 'green') {
      // Nothing to keep for a green row; it clears an earlier list entry for the person.
      if (kept) {
        writes.push(
          statementOf(db, deletePending(db, idHash)),
          statementOf(db, insertAudit(db, facts('import.pending_cleared', row.reason, { supersedes: kept.importId }))),
        );
      }
      outcomes.push(kept ? 'pending' : 'unchanged');
      continue;
    }
    if (kept && kept.color === row.color && kept.reason === row.reason && kept.exposedAt === (row.exposedAt ?? null)) {
      outcomes.push('pending');
      continue;
    }
    const exposedAt = row.exposedAt ?? now;
    const expiresAt = pendingExpiry(row.color, exposedAt, ctx.policy);
    // An exposure whose isolation is already over is not kept: it could change nothing.
    if (expiresAt <= now) {
      const why = `${row.reason} (not kept: the isolation this exposure implies is over)`;
      writes.push(statementOf(db, insertAudit(db, facts('status.exposure_lapsed', why, { exposedAt }))));
      outcomes.push('unchanged');
      continue;
    }
    upserts.set(i, writes.length);
    writes.push(
      upsertPending(db, {
        idHash,
        color: row.color,
        reason: row.reason,
        exposedAt: row.exposedAt ?? null,
        importId: ctx.importId,
        line: row.line,
        actor: ctx.operator,
        createdAt: now,
        expiresAt,
      }),
      insertAuditIfChanged(
        db,
        kept
          ? facts('import.pending_superseded', row.reason, { supersedes: kept.importId, exposedAt: row.exposedAt })
          : facts('import.pending', row.reason, { exposedAt: row.exposedAt }),
      ),
    );
    outcomes.push('pending');
  }
  const results = await runBatch(db, writes);
  for (const [i, at] of upserts) if (results[at]!.meta.changes === 0) outcomes[i] = 'enrolled';
  return outcomes;
}
