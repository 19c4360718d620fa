// How a status appears in API responses: the holder's (token, check-in) and the operator's view
// of one holder (docs/api.md "The holder view"), which a console renders.

import {
  type AdminHolderView,
  type CheckinDay,
  checkinDays,
  type DerivedStatus,
  type PendingEntry,
  type StatusPolicy,
  type StatusView,
} from '../../src/index.ts';
import { toCheckin } from '../db/checkins.ts';
import type { ImportTrace } from '../db/history.ts';
import type { CheckinRow, HolderRow, PendingStatusRow, StatusEventRow } from '../db/schema.ts';
import { checkinWindowStart, currentStatus, latestEventOf } from './plan.ts';

export type { StatusView };

export function statusView(s: DerivedStatus): StatusView {
  const view: StatusView = { color: s.color, since: s.since };
  if (s.color !== 'green') {
    if (s.until !== undefined) view.until = s.until;
    if (s.isolationFrom !== undefined) view.isolationFrom = s.isolationFrom;
    if (s.checkinsDone !== undefined) view.checkinsDone = s.checkinsDone;
    if (s.checkinsRequired !== undefined) view.checkinsRequired = s.checkinsRequired;
  }
  return view;
}

export function pendingView(row: PendingStatusRow): PendingEntry {
  const { color, reason, exposedAt, importId, line, createdAt, expiresAt } = row;
  return { color, reason, exposedAt, importId, line, createdAt, expiresAt };
}

/** The operator's view of one holder: what the rules say now, the run, list entries, the history. */
export function holderView(
  holder: HolderRow,
  history: { events: StatusEventRow[]; checkins: CheckinRow[]; imports?: ImportTrace[] },
  pending: PendingStatusRow[],
  now: number,
  policy: StatusPolicy,
): AdminHolderView {
  const fromDay = checkinWindowStart(holder, policy);
  const current = history.checkins.filter((r) => r.day >= fromDay).map(toCheckin);
  const status = currentStatus(holder, current, now, policy);
  const run: CheckinDay[] = checkinDays([latestEventOf(holder)], current, now, policy);
  return {
    holderId: holder.id,
    sub: holder.sub,
    maskedName: holder.maskedName,
    createdAt: holder.createdAt,
    // `status` is what the rules say now; `recorded` is the materialised row, which lags until
    // the cron (or the next write) records a rule release.
    status: statusView(status),
    timeZone: policy.timeZone,
    recorded: {
      color: holder.color,
      since: holder.since,
      until: holder.until,
      isolationFrom: holder.isolationFrom,
      version: holder.statusVersion,
    },
    /** The current red/yellow status's check-in days, each counted or not and why. */
    run,
    pending: pending.map(pendingView),
    events: withImportIds(history.events, history.imports ?? []).map(({ event: e, importId }) => ({
      id: e.id,
      at: e.at,
      color: e.color,
      source: e.source,
      actor: e.actor,
      reason: e.reason,
      exposedAt: e.exposedAt,
      importId,
    })),
    checkins: history.checkins.map((r) => ({ day: r.day, at: r.at, symptoms: r.symptoms, temperature: r.temperature })),
  };
}

/**
 * Pairs each event an import wrote (source `import`) with its import run, in order: every such
 * event was written in one batch with an audit row that names the run (worker/db/status-writes.ts,
 * worker/status/pending.ts). Rule releases in the same batch carry the run too, so only rows of an
 * import's own step count.
 */
function withImportIds(events: StatusEventRow[], traces: ImportTrace[]): { event: StatusEventRow; importId: string | null }[] {
  const steps = traces.filter(
    (t) => t.action === 'import.pending_applied' || (t.action !== 'status.release' && sourceOf(t.detail) === 'import'),
  );
  let next = 0;
  return events.map((event) => {
    if (event.source !== 'import') return { event, importId: null };
    while (next < steps.length && steps[next]!.toColor !== event.color) next++;
    const trace = steps[next++];
    return { event, importId: trace?.importId ?? null };
  });
}

function sourceOf(detail: string | null): unknown {
  try {
    return detail ? (JSON.parse(detail) as { source?: unknown }).source : undefined;
  } catch {
    return undefined;
  }
}
