// Applying an import of key people. Each row for an enrolled holder is a colour change with the
// row's reason (source 'import') through the status writer, exactly as an operator's, so a re-run
// of the same file finds every holder already there and changes nothing. A row for an ID number
// nobody has enrolled with is kept as pending (worker/status/pending.ts) and applied when that
// person enrols. Duplicate ID numbers within one file are rejected after the first, so the
// outcome never depends on row order within a batch.
//
// Report: applied + unchanged + pending + rejected + notApplied = the file's non-blank data rows.

import { checkExposure, EXPOSURE_REJECTION_MESSAGES, localDate, type StatusPolicy } from '../../src/index.ts';
import { insertAudit } from '../db/audit.ts';
import { loadCheckinsForMany, toCheckin } from '../db/checkins.ts';
import { chunk, type Db, hashKey } from '../db/client.ts';
import { bumpDailyQuery } from '../db/counters.ts';
import { findHoldersByIdHashes } from '../db/holders.ts';
import { findPendingMany } from '../db/pending.ts';
import { type HolderRow, imports } from '../db/schema.ts';
import type { FeedWriter } from '../feed/writer.ts';
import { hashIdNumber } from '../holders/identity.ts';
import { settleEach } from '../shards/fan-out.ts';
import type { Shard, Shards } from '../shards/shards.ts';
import { type ApplyOptions, applyStatusMany } from '../status/apply.ts';
import { checkinWindowStart } from '../status/plan.ts';
import { TUNABLES } from '../tunables.ts';
import type { ImportRow, ParsedImport, Rejection } from './parse.ts';
import { keepPending } from './pending.ts';

export interface ImportReport {
  rows: number;
  applied: number;
  unchanged: number;
  /** Rows for people not enrolled yet, kept (or already kept) until they enrol. */
  pending: number;
  rejected: Rejection[];
  /** Rows whose holder database failed before their write completed: re-run the import for them. */
  notApplied: NotApplied[];
}

export interface NotApplied {
  line: number;
  /** The holder database (binding name) that failed. */
  database: string;
}

/** What an import needs: the policy and who runs it. The home database records the run. */
export interface ImportRun {
  home: Db;
  policy: StatusPolicy;
  idHmacKey: Uint8Array;
  now: number;
  operator: string;
  importId: string;
  /** The feed key and window domains for downgrades' window indices (worker/feed/writer.ts). */
  feed: FeedWriter;
}

/** One holder database's part of an import. */
export interface ImportContext extends ImportRun {
  db: Db;
  onRevocation: () => void;
  /** Lines whose write completed (applied, unchanged or kept as pending). */
  done: Set<number>;
}

/**
 * Rows go to the database of their ID number's bucket; the databases are written in parallel
 * (settleEach, no deadline: a write must not be reported as failed while it may still commit).
 * A database that fails stops its own part; the others finish, and the report lists exactly the
 * lines that were not applied. Every row is idempotent, so re-running the same file finishes the
 * job: rows already applied come back unchanged (docs/api.md "Import").
 */
export async function applyImport(
  run: ImportRun,
  shards: Shards,
  parsed: ParsedImport,
  onRevocation: (shard: Shard) => void,
): Promise<ImportReport> {
  const rejected = [...parsed.rejected];
  const rows = usableRows(run, parsed.rows, rejected);
  const report: ImportReport = {
    rows: parsed.rows.length + parsed.rejected.length,
    applied: 0,
    unchanged: 0,
    pending: 0,
    rejected,
    notApplied: [],
  };
  const parts = new Map<Shard, { row: ImportRow; idHash: Uint8Array }[]>();
  for (const row of rows) {
    const idHash = await hashIdNumber(run.idHmacKey, row.idNumber);
    const shard = shards.ofIdHash(idHash);
    const part = parts.get(shard) ?? [];
    part.push({ row, idHash });
    parts.set(shard, part);
  }
  const targets = [...parts.keys()];
  const done = new Set<number>();
  const outcomes = await settleEach(
    targets,
    (shard) => applyPart({ ...run, db: shard.db, onRevocation: () => onRevocation(shard), done }, parts.get(shard)!, report),
    { deadlineMs: false },
  );
  outcomes.forEach((outcome, i) => {
    if (outcome.ok) return;
    const database = targets[i]!.name;
    for (const { row } of parts.get(targets[i]!)!) if (!done.has(row.line)) report.notApplied.push({ line: row.line, database });
  });
  report.notApplied.sort((a, b) => a.line - b.line);
  return report;
}

async function applyPart(ctx: ImportContext, rows: { row: ImportRow; idHash: Uint8Array }[], report: ImportReport): Promise<void> {
  const hashes = new Map<ImportRow, Uint8Array>(rows.map(({ row, idHash }) => [row, idHash]));
  const found = await findHoldersByIdHashes(ctx.db, [...hashes.values()], TUNABLES.maxBoundParameters - 1);
  const known: { row: ImportRow; holder: HolderRow }[] = [];
  const unknown: { row: ImportRow; idHash: Uint8Array }[] = [];
  for (const { row } of rows) {
    const idHash = hashes.get(row)!;
    const holder = found.get(hashKey(idHash));
    if (holder) known.push({ row, holder });
    else unknown.push({ row, idHash });
  }

  await applyToHolders(ctx, known, report);
  const existing = await findPendingMany(
    ctx.db,
    unknown.map((u) => u.idHash),
    ctx.now,
    TUNABLES.maxBoundParameters,
  );
  for (const group of chunk(unknown, TUNABLES.writeBatchHolders)) {
    const outcomes = await keepPending(ctx, group, existing);
    const enrolled = group.filter((_, i) => outcomes[i] === 'enrolled');
    outcomes.forEach((outcome, i) => {
      if (outcome === 'enrolled') return;
      report[outcome]++;
      ctx.done.add(group[i]!.row.line);
    });
    // Enrolled since the lookup above: the row is a status change for them after all.
    if (enrolled.length > 0) {
      const found = await findHoldersByIdHashes(
        ctx.db,
        enrolled.map((u) => u.idHash),
        TUNABLES.maxBoundParameters - 1,
      );
      await applyToHolders(
        ctx,
        enrolled.map(({ row, idHash }) => ({ row, holder: found.get(hashKey(idHash))! })),
        report,
      );
    }
  }
}

async function applyToHolders(ctx: ImportContext, rows: { row: ImportRow; holder: HolderRow }[], report: ImportReport): Promise<void> {
  if (rows.length === 0) return;
  // One read of the check-ins for the whole request (99 holders a query), then writes 25 a batch.
  const checkins = await checkinsOf(
    ctx,
    rows.map((k) => k.holder),
  );
  for (const group of chunk(rows, TUNABLES.writeBatchHolders)) {
    const results = await applyStatusMany(
      ctx.db,
      group.map(({ row, holder }) => ({ holder, options: optionsFor(ctx, row) })),
      checkins,
    );
    results.forEach((r, i) => {
      if (r.written) report.applied++;
      else report.unchanged++;
      ctx.done.add(group[i]!.row.line);
    });
  }
}

/** The status-writer options for one row: the row's colour, isolating from its exposure. */
function optionsFor(ctx: ImportContext, row: ImportRow): ApplyOptions {
  const audit = { action: 'status.import', detail: { importId: ctx.importId, line: row.line }, importId: ctx.importId };
  return {
    now: ctx.now,
    policy: ctx.policy,
    ruleActor: `import:${ctx.importId}`,
    audit,
    onlyWithRequest: true,
    decide: () => ({
      to: row.color,
      source: 'import',
      actorType: 'import',
      actor: ctx.operator,
      reason: row.reason,
      exposedAt: row.exposedAt,
    }),
    // The entry lands in this part's database outbox: tell the run which database that is.
    feed: { ...ctx.feed, onRevocation: () => ctx.onRevocation() },
  };
}

/** Rows with an exposure the policy refuses, and repeats of an ID number, become rejections. */
function usableRows(ctx: ImportRun, rows: ImportRow[], rejected: Rejection[]): ImportRow[] {
  const first = new Map<string, number>();
  const out: ImportRow[] = [];
  for (const row of rows) {
    const earlier = first.get(row.idNumber);
    const refused = checkExposure(row.color, row.exposedAt, ctx.now, ctx.policy);
    if (earlier !== undefined) rejected.push({ line: row.line, error: `duplicate idNumber (first on line ${earlier})` });
    else if (refused) rejected.push({ line: row.line, error: `exposedAt: ${EXPOSURE_REJECTION_MESSAGES[refused]}` });
    else {
      first.set(row.idNumber, row.line);
      out.push(row);
    }
  }
  rejected.sort((a, b) => a.line - b.line);
  return out;
}

/** As loadStatusInputs(..., 'write') for many holders: from today, or the day a status began. */
async function checkinsOf(ctx: ImportContext, holders: HolderRow[]) {
  const today = localDate(ctx.now, ctx.policy.timeZone);
  const fromDay = holders
    .map((h) => (h.color === 'green' ? today : checkinWindowStart(h, ctx.policy)))
    // biome-ignore lint/complexity/useMathMinMax: local dates are ISO strings (YYYY-MM-DD); the earliest is the least in string order
    .reduce((a, b) => (b < a ? b : a), today);
  const rows = await loadCheckinsForMany(
    ctx.db,
    holders.map((h) => h.id),
    fromDay,
    TUNABLES.maxBoundParameters,
  );
  return new Map([...rows].map(([id, list]) => [id, list.map(toCheckin)]));
}

/** The import as one unit: its row in `imports` and its summary in the audit log. */
export async function recordImport(run: ImportRun, format: 'csv' | 'ndjson', report: ImportReport): Promise<void> {
  const ctx = { ...run, db: run.home };
  const counts = {
    rows: report.rows,
    applied: report.applied,
    unchanged: report.unchanged,
    pending: report.pending,
    rejected: report.rejected.length,
  };
  await ctx.db.batch([
    ctx.db.insert(imports).values({ id: ctx.importId, at: ctx.now, actor: ctx.operator, format, ...counts }),
    insertAudit(ctx.db, {
      at: ctx.now,
      actorType: 'operator',
      actor: ctx.operator,
      action: 'import.run',
      detail: { importId: ctx.importId, format, ...counts, notApplied: report.notApplied.length },
      importId: ctx.importId,
    }),
    // The console's daily import counters (db/counters.ts), with the run they count.
    bumpDailyQuery(ctx.db, localDate(ctx.now, ctx.policy.timeZone), 'imports'),
    bumpDailyQuery(ctx.db, localDate(ctx.now, ctx.policy.timeZone), 'import_applied', report.applied),
  ]);
}
