// Import rows for ID numbers nobody has enrolled with: kept in pending_statuses under the keyed
// hash (never the ID number), one batch per group. A row identical to the one kept changes
// nothing (a re-run is a no-op); a different one supersedes it; a green row clears it. Each
// write is audited under the import's id, without the hash.

import type { BatchItem } from 'drizzle-orm/batch';
import { insertAudit } from '../db/audit.ts';
import { deletePending, upsertPending } from '../db/pending.ts';
import type { PendingStatusRow } from '../db/schema.ts';
import { pendingExpiry } from '../status/pending.ts';
import type { ImportContext } from './apply.ts';
import type { ImportRow } from './parse.ts';

export type PendingOutcome = 'pending' | 'unchanged';

export async function keepPending(
  ctx: ImportContext,
  group: { row: ImportRow; idHash: string }[],
  existing: ReadonlyMap<string, PendingStatusRow>,
): Promise<PendingOutcome[]> {
  const { db, now } = ctx;
  const writes: BatchItem<'sqlite'>[] = [];
  const outcomes: PendingOutcome[] = [];
  for (const { row, idHash } of group) {
    const kept = existing.get(idHash);
    const audit = (action: string, reason: string, extra: Record<string, unknown> = {}) =>
      insertAudit(db, {
        at: now,
        actorType: 'import',
        actor: ctx.operator,
        action,
        toColor: row.color,
        reason,
        detail: { importId: ctx.importId, line: row.line, ...extra },
        importId: ctx.importId,
      });
    if (row.color === 'green') {
      // Nothing to keep for a green row; it clears an earlier list entry for the person.
      if (kept) writes.push(deletePending(db, idHash), audit('import.pending_cleared', row.reason, { supersedes: kept.importId }));
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
      writes.push(audit('status.exposure_lapsed', `${row.reason} (not kept: the isolation this exposure implies is over)`, { exposedAt }));
      outcomes.push('unchanged');
      continue;
    }
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
      audit(
        kept ? 'import.pending_superseded' : 'import.pending',
        row.reason,
        kept ? { supersedes: kept.importId, exposedAt: row.exposedAt } : { exposedAt: row.exposedAt },
      ),
    );
    outcomes.push('pending');
  }
  if (writes.length > 0) await db.batch(writes as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  return outcomes;
}
