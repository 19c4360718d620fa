// POST /v1/admin/holders/import: CSV or NDJSON by Content-Type, at most TUNABLES.maxImportBytes
// and TUNABLES.maxImportRows (413 beyond; split the file).

import type { Hono } from 'hono';
import type { ImportReport } from '../../src/index.ts';
import { requireWriteRole } from '../auth/operator.ts';
import { newHolderId } from '../crypto.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { requestFeedWriter } from '../feed/writer.ts';
import { mediaType, readBodyLimited } from '../http/body.ts';
import { applyImport, recordImport } from '../import/apply.ts';
import { formatFor, parseImport } from '../import/parse.ts';
import { TUNABLES } from '../tunables.ts';

export function registerAdminImportRoutes(app: Hono<AppEnv>): void {
  app.post('/v1/admin/holders/import', requireWriteRole, async (c) => {
    const { db, config, now, operator, state } = c.var;
    const format = formatFor(mediaType(c.req.raw));
    if (!format) throw new ApiError(415, 'unsupported_media_type', 'Send the import as text/csv or application/x-ndjson.');
    const bytes = await readBodyLimited(c.req.raw, TUNABLES.maxImportBytes);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      throw new ApiError(400, 'validation_failed', 'The import is not valid UTF-8.');
    }
    const parsed = parseImport(text, format, TUNABLES.maxImportRows);
    // An id for this run, so its audit rows can be found together.
    const importId = newHolderId();
    const ctx = {
      db,
      policy: config.policy,
      idHmacKey: config.idHmacKey,
      now,
      operator: operator.name,
      importId,
      feed: requestFeedWriter(config, state, db),
    };
    const report = await applyImport(ctx, parsed);
    await recordImport(ctx, format, report);
    c.header('Cache-Control', 'no-store');
    return c.json({
      importId,
      applied: report.applied,
      unchanged: report.unchanged,
      pending: report.pending,
      rejected: report.rejected,
    } satisfies ImportReport);
  });
}
