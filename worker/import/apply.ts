// Applying an import of key people in D1 batches. Each row sets a holder's colour with the row's
// reason (source 'import'), exactly as an operator would, so a re-run of the same file finds every
// holder already at that colour and changes nothing. Duplicate ID numbers within one file are
// rejected after the first, so the outcome never depends on row order within a batch.
//
// Report: applied + unchanged + unknown + rejected = the file's non-blank data rows.

import { localDate, type StatusPolicy } from '../../src/index.ts';
import { loadCheckinsForMany, toCheckin } from '../db/checkins.ts';
import { chunk, type Db, runBatch } from '../db/client.ts';
import { findHoldersByIdHashes } from '../db/holders.ts';
import type { HolderRow } from '../db/schema.ts';
import { prepareStatusWrite } from '../db/status-writes.ts';
import { hashIdNumber } from '../holders/identity.ts';
import { applyStatus } from '../status/apply.ts';
import { checkinWindowStart, planStatus, type Request, type StatusPlan } from '../status/plan.ts';
import { TUNABLES } from '../tunables.ts';
import type { ImportRow, ParsedImport, Rejection } from './parse.ts';

export interface ImportReport {
  rows: number;
  applied: number;
  unchanged: number;
  unknown: number;
  rejected: Rejection[];
}

export interface ImportContext {
  db: Db;
  policy: StatusPolicy;
  idHmacKey: Uint8Array;
  now: number;
  operator: string;
  importId: string;
  onRevocation: () => void;
}

interface Pending {
  row: ImportRow;
  holder: HolderRow;
  plan: StatusPlan;
}

export async function applyImport(ctx: ImportContext, parsed: ParsedImport): Promise<ImportReport> {
  const rejected = [...parsed.rejected];
  const rows = firstPerIdNumber(parsed.rows, rejected);
  const report: ImportReport = { rows: parsed.rows.length + parsed.rejected.length, applied: 0, unchanged: 0, unknown: 0, rejected };

  const hashes = new Map<ImportRow, string>();
  for (const row of rows) hashes.set(row, await hashIdNumber(ctx.idHmacKey, row.idNumber));
  const found = await findHoldersByIdHashes(ctx.db, [...hashes.values()], TUNABLES.maxBoundParameters - 1);

  const pending: Pending[] = [];
  const known: { row: ImportRow; holder: HolderRow }[] = [];
  for (const row of rows) {
    const holder = found.get(hashes.get(row)!);
    if (holder) known.push({ row, holder });
    else report.unknown++;
  }
  const checkins = await checkinsOf(
    ctx,
    known.map((k) => k.holder),
  );
  for (const { row, holder } of known) {
    const plan = planStatus(
      holder,
      (checkins.get(holder.id) ?? []).map(toCheckin),
      ctx.now,
      ctx.policy,
      (current) => requestFor(ctx, row, current.color),
      `import:${ctx.importId}`,
    );
    if (plan.requestApplied) pending.push({ row, holder, plan });
    else report.unchanged++;
  }

  for (const group of chunk(pending, TUNABLES.writeBatchHolders)) {
    for (const outcome of await writeGroup(ctx, group)) {
      if (outcome === 'applied') report.applied++;
      else report.unchanged++;
    }
  }
  return report;
}

function requestFor(ctx: ImportContext, row: ImportRow, current: string): Request | undefined {
  if (current === row.color) return undefined;
  return { to: row.color, source: 'import', actorType: 'import', actor: ctx.operator, reason: row.reason };
}

function firstPerIdNumber(rows: ImportRow[], rejected: Rejection[]): ImportRow[] {
  const first = new Map<string, number>();
  const out: ImportRow[] = [];
  for (const row of rows) {
    const earlier = first.get(row.idNumber);
    if (earlier !== undefined) rejected.push({ line: row.line, error: `duplicate idNumber (first on line ${earlier})` });
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
  if (holders.length === 0) return new Map();
  const today = localDate(ctx.now, ctx.policy.timeZone);
  const fromDay = holders
    .map((h) => (h.color === 'green' ? today : checkinWindowStart(h, ctx.policy)))
    // biome-ignore lint/complexity/useMathMinMax: local dates are ISO strings (YYYY-MM-DD); the earliest is the least in string order
    .reduce((a, b) => (b < a ? b : a), today);
  return loadCheckinsForMany(
    ctx.db,
    holders.map((h) => h.id),
    fromDay,
    TUNABLES.maxBoundParameters,
  );
}

/** One D1 batch for the group; holders that lost a race are redone one by one from a fresh read. */
async function writeGroup(ctx: ImportContext, group: Pending[]): Promise<('applied' | 'unchanged')[]> {
  const statements: D1PreparedStatement[] = [];
  const guards: number[] = [];
  let revocations = 0;
  for (const p of group) {
    const prepared = prepareStatusWrite(ctx.db, {
      holder: p.holder,
      plan: p.plan,
      now: ctx.now,
      timeZone: ctx.policy.timeZone,
      audit: { action: 'status.import', detail: { importId: ctx.importId, line: p.row.line } },
    });
    guards.push(statements.length);
    statements.push(...prepared.statements);
    revocations += prepared.revocations;
  }
  const results = await runBatch(ctx.db, statements);
  if (revocations > 0) ctx.onRevocation();
  const outcomes: ('applied' | 'unchanged')[] = [];
  for (const [i, p] of group.entries()) {
    if (results[guards[i]!]!.meta.changes === 1) {
      outcomes.push('applied');
      continue;
    }
    const retried = await applyStatus(ctx.db, p.holder, {
      now: ctx.now,
      policy: ctx.policy,
      ruleActor: `import:${ctx.importId}`,
      audit: { action: 'status.import', detail: { importId: ctx.importId, line: p.row.line } },
      onlyWithRequest: true,
      decide: (current) => requestFor(ctx, p.row, current.color),
      onRevocation: ctx.onRevocation,
    });
    outcomes.push(retried.written ? 'applied' : 'unchanged');
  }
  return outcomes;
}
