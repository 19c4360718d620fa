// Import throughput (docs/performance.md, Import): a 100 000-row key-people file through POST /v1/admin/holders/import
// on the seeded local Worker, as the 20 requests of 5 000 rows the route allows, one after the
// other as a single operator's client would send them. Every row's fate is known in advance
// (import-plan.ts), so each response is checked category by category, not just summed. Then the
// feed the Worker serves: a snapshot of every downgrade the import applied, in the window indices
// the Worker derived for them (the seed's own downgrades have none: only the Worker derives
// indices), and a delta of 100 downgrades.

import { buildImportPlan, type ImportChunk } from '../scripts/lib/seed/import-plan.ts';
import type { SeededWorker } from '../scripts/lib/seed/seeded-d1.ts';
import { fetchVerifiedFeed, snapshotFigure } from './edge.ts';
import { sharedSeededWorker } from './lib/shared-worker.ts';
import type { Figure } from './report.ts';

const SECTION = 'Import and the feed it grows, on the same Worker';
const FEED_SECTION = 'Edge: local workerd (wrangler dev), 100 k holders in D1';
const log = (line: string) => console.log(`bench:   ${line}`);

interface ImportReport {
  applied: number;
  unchanged: number;
  pending: number;
  rejected: { line: number; error: string }[];
}

export async function benchImport(quick: boolean): Promise<Figure[]> {
  const run = await sharedSeededWorker(log);
  const plan = buildImportPlan(run.seeded.plan, quick ? 20_000 : 100_000);
  const figures: Figure[] = [];
  const totals = { rows: 0, applied: 0, unchanged: 0, pending: 0, rejected: 0 };
  const mismatches: string[] = [];
  log(`import: ${plan.rows.toLocaleString('en')} rows in ${plan.chunks.length} requests of at most 5 000 ...`);
  const started = performance.now();
  for (const [i, chunk] of plan.chunks.entries()) {
    const report = await postImport(run, chunk);
    totals.rows += chunk.rows;
    totals.applied += report.applied;
    totals.unchanged += report.unchanged;
    totals.pending += report.pending;
    totals.rejected += report.rejected.length;
    const got = { applied: report.applied, unchanged: report.unchanged, pending: report.pending, rejected: report.rejected.length };
    if (JSON.stringify(got) !== JSON.stringify(chunk.expected))
      mismatches.push(`request ${i + 1}: got ${JSON.stringify(got)}, expected ${JSON.stringify(chunk.expected)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const accounted = totals.applied + totals.unchanged + totals.pending + totals.rejected;
  figures.push({
    section: SECTION,
    name: `Import: ${plan.rows.toLocaleString('en')}-row key-people file (CSV, ${plan.chunks.length} requests)`,
    value: `${Math.round(plan.rows / seconds).toLocaleString('en')} rows/s (${seconds.toFixed(1)} s); applied ${totals.applied.toLocaleString('en')} + unchanged ${totals.unchanged.toLocaleString('en')} + pending ${totals.pending.toLocaleString('en')} + rejected ${totals.rejected.toLocaleString('en')} = ${accounted.toLocaleString('en')} of ${totals.rows.toLocaleString('en')} rows`,
    target: 'every row accounted for',
    met: accounted === plan.rows && mismatches.length === 0,
    note:
      (mismatches.length
        ? `MISMATCHES: ${mismatches.join('; ')}. `
        : 'each request matched the known fate of each of its rows, category by category. ') +
      'Applied rows are downgrades of green holders, each one D1 batch entry with its event, audit row and revocation (25 holders a batch); pending rows (ID numbers not enrolled) are kept under the keyed hash with an audit row each, 25 a batch (a re-run finds them kept and writes nothing); requests sent one after another.',
    raw: { ...totals, seconds, requests: plan.chunks.length, mismatches },
  });

  // Each applied row is a downgrade, listed in every live window: 5 or 6 indices each. The seed's
  // downgrades have feed rows but no window indices (only the Worker derives those).
  const snapshot = await fetchVerifiedFeed(run, 0);
  if (snapshot.entries < 5 * totals.applied || snapshot.entries > 6 * totals.applied)
    throw new Error(`the snapshot holds ${snapshot.entries} window indices for ${totals.applied} downgrades`);
  figures.push(snapshotFigure(FEED_SECTION, snapshot.bytes, totals.applied, snapshot.entries));
  const delta = await fetchVerifiedFeed(run, snapshot.toSeq - 100);
  if (delta.kind !== 'delta' || delta.toSeq - delta.fromSeq !== 100 || delta.entries < 500 || delta.entries > 600)
    throw new Error(`expected a delta of 100 downgrades, got a ${delta.kind} of ${delta.entries} indices`);
  figures.push({
    section: FEED_SECTION,
    name: 'Feed delta of 100 downgrades served by the Worker',
    value: `${delta.bytes.toLocaleString('en')} B`,
    target: '< 2 KB',
    met: delta.bytes < 2048,
    note: `GET /v1/revocations?since=<head − 100>, verified; entries from the import's downgrades`,
    raw: { bytes: delta.bytes },
  });
  return figures;
}

async function postImport(run: SeededWorker, chunk: ImportChunk): Promise<ImportReport> {
  const res = await fetch(`${run.worker.baseUrl}/v1/admin/holders/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${run.seeded.secrets.operatorToken}`, 'content-type': 'text/csv' },
    body: chunk.csv,
    signal: AbortSignal.timeout(300_000),
  });
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
  return (await res.json()) as ImportReport;
}
