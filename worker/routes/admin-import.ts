// POST /v1/admin/holders/import: CSV or NDJSON by Content-Type, at most TUNABLES.maxImportBytes
// and TUNABLES.maxImportRows (413 beyond; split the file).

import type { Hono } from 'hono';
import type { ImportReport, IncompleteImportResponse } from '../../src/index.ts';
import { requireWriteRole } from '../auth/operator.ts';
import { newRecordId } from '../crypto.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { requestFeedWriter } from '../feed/writer.ts';
import { mediaType, readBodyLimited } from '../http/body.ts';
import { applyImport, recordImport } from '../import/apply.ts';
import { formatFor, parseImport } from '../import/parse.ts';
import { TUNABLES } from '../tunables.ts';

export function registerAdminImportRoutes(app: Hono<AppEnv>): void {
  app.post('/v1/admin/holders/import', requireWriteRole, async (c) => {
    const { db, config, now, operator, shards, state } = c.var;
    const format = formatFor(mediaType(c.req.raw));
    if (!format) throw new ApiError(415, 'unsupported_media_type', 'Send the import as text/csv or application/x-ndjson.');
    const bytes = await readBodyLimited(c.req.raw, TUNABLES.maxImportBytes);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      throw new ApiError(400, 'validation_failed', 'The import is not valid UTF-8.');
    }
    const parsed = parseImport(text, format, TUNABLES.maxImportRows, config.idNumberRule);
    // An id for this run, so its audit rows can be found together.
    const importId = newRecordId();
    const run = {
      home: db,
      policy: config.policy,
      idHmacKey: config.idHmacKey,
      now,
      operator: operator.name,
      importId,
      feed: requestFeedWriter(config, state, shards, c.var.noteRevocation),
    };
    const report = await applyImport(run, shards, parsed, c.var.noteRevocation);
    await recordImport(run, format, report);
    c.header('Cache-Control', 'no-store');
    const body = {
      importId,
      applied: report.applied,
      unchanged: report.unchanged,
      pending: report.pending,
      rejected: report.rejected,
      notApplied: report.notApplied,
    } satisfies ImportReport;
    if (report.notApplied.length === 0) return c.json(body);
    // Some rows' database failed: the client must see an error, and exactly which rows to send again.
    const databases = [...new Set(report.notApplied.map((n) => n.database))].join(', ');
    c.header('Retry-After', '30');
    return c.json(
      {
        error: {
          code: 'import_incomplete',
          message: `${report.notApplied.length} rows were not applied because holder database ${databases} failed; send the same file again to finish.`,
        },
        ...body,
      } satisfies IncompleteImportResponse,
      503,
    );
  });
}
