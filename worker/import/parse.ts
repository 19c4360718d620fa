// Parsing an import of key people: CSV (RFC 4180, header `idNumber,color,reason` and optionally
// `exposedAt`, in any order, no line breaks inside fields) or NDJSON (one JSON object per line). Every non-blank data line
// becomes either a row or a rejection naming its line; a bad header rejects the whole file.

import * as z from 'zod/mini';
import type { Color } from '../../src/index.ts';
import { DomainError } from '../domain-errors.ts';
import { idNumberSchema } from '../holders/schemas.ts';
import { checkIdNumber, type IdNumberRule, idNumberProblem } from '../identity/id-number.ts';
import { describeIssues } from '../issue-text.ts';
import { colorSchema, exposedAtSchema, reasonSchema } from '../schemas.ts';

export type ImportFormat = 'csv' | 'ndjson';

export interface ImportRow {
  line: number;
  /** Normalised (holders/identity.ts). */
  idNumber: string;
  color: Color;
  reason: string;
  /** NumericDate seconds; validated against the policy when the import is applied. */
  exposedAt?: number | undefined;
}

export interface Rejection {
  line: number;
  error: string;
}

export interface ParsedImport {
  rows: ImportRow[];
  rejected: Rejection[];
}

const rowSchema = z.strictObject({
  idNumber: idNumberSchema,
  color: colorSchema,
  reason: reasonSchema,
  exposedAt: z.optional(exposedAtSchema),
});
const COLUMNS = ['idNumber', 'color', 'reason'] as const;
const OPTIONAL_COLUMNS = ['exposedAt'] as const;

/** Where each named column sits in a CSV line. */
type ColumnIndex = Map<string, number>;

export function formatFor(mediaType: string): ImportFormat | undefined {
  if (mediaType === 'text/csv') return 'csv';
  if (['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'].includes(mediaType)) return 'ndjson';
  return undefined;
}

/**
 * `idNumberRule` is the one sign-in applies (config.ts): a listed number that fails it could never
 * match a person, so a typo in an official's list is named by line instead of waiting forever as a
 * pending row.
 */
export function parseImport(text: string, format: ImportFormat, maxRows: number, idNumberRule: IdNumberRule): ParsedImport {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: ParsedImport = { rows: [], rejected: [] };
  let columns: ColumnIndex | undefined;
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = i + 1;
    if (raw.trim() === '') continue;
    if (format === 'csv' && columns === undefined) {
      columns = headerColumns(raw);
      continue;
    }
    if (++count > maxRows) throw new DomainError('payload_too_large', `An import holds at most ${maxRows} rows; split the file.`);
    const record = format === 'csv' ? csvRecord(raw, columns!) : jsonRecord(raw);
    if (typeof record === 'string') {
      out.rejected.push({ line, error: record });
      continue;
    }
    const parsed = z.safeParse(rowSchema, record, { reportInput: true });
    if (!parsed.success) {
      out.rejected.push({ line, error: describeIssues(parsed.error, 'row') });
      continue;
    }
    const idNumber = checkIdNumber(parsed.data.idNumber, idNumberRule);
    if (idNumber.ok) out.rows.push({ line, ...parsed.data, idNumber: idNumber.idNumber });
    else out.rejected.push({ line, error: `idNumber: ${idNumberProblem(idNumberRule, idNumber.reason)}` });
  }
  if (format === 'csv' && columns === undefined)
    throw new DomainError('validation_failed', 'The CSV is empty: it needs the header idNumber,color,reason.');
  return out;
}

/** Where each column is: COLUMNS all, OPTIONAL_COLUMNS if present, nothing else, none twice. */
function headerColumns(raw: string): ColumnIndex {
  const fields = splitCsvLine(raw);
  const names = typeof fields === 'string' ? [] : fields.map((f) => f.trim());
  const known: readonly string[] = [...COLUMNS, ...OPTIONAL_COLUMNS];
  const index: ColumnIndex = new Map(names.map((name, i) => [name, i]));
  if (index.size !== names.length || names.some((n) => !known.includes(n)) || COLUMNS.some((c) => !index.has(c))) {
    throw new DomainError('validation_failed', 'The CSV header must be idNumber,color,reason and optionally exposedAt (in any order).');
  }
  return index;
}

function csvRecord(raw: string, columns: ColumnIndex): Record<string, string> | string {
  const fields = splitCsvLine(raw);
  if (typeof fields === 'string') return fields;
  if (fields.length !== columns.size) return `expected ${columns.size} fields, found ${fields.length}`;
  const record: Record<string, string> = {};
  // An empty optional field means "not given".
  for (const [name, i] of columns)
    if (fields[i] !== '' || !(OPTIONAL_COLUMNS as readonly string[]).includes(name)) record[name] = fields[i]!;
  return record;
}

function jsonRecord(raw: string): unknown {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : 'each line must be a JSON object';
  } catch {
    return 'not valid JSON';
  }
}

/** RFC 4180 §2 fields of one line: commas separate, double quotes enclose, "" escapes a quote. */
export function splitCsvLine(line: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return 'unterminated quoted field';
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') return 'unexpected text after a quoted field';
    } else {
      const end = line.indexOf(',', i);
      field = end < 0 ? line.slice(i) : line.slice(i, end);
      if (field.includes('"')) return 'a quote inside an unquoted field';
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}
