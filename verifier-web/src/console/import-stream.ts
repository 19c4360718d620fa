// Streams an import file of any size into chunks the Worker accepts (at most IMPORT_CHUNK_ROWS
// data rows each, the contract's IMPORT_MAX_ROWS), without ever holding the whole file. CSV
// chunks repeat the header. Each chunk remembers the file line of every row it carries, so the
// Worker's per-chunk line numbers map back to lines of the file the official dropped.

// The module itself, not the src/index.ts barrel, so the console's bundle takes only this constant.
import { IMPORT_MAX_ROWS } from '../../../src/api.ts';

export type ImportFormat = 'csv' | 'ndjson';

/** The Worker's row limit per request (the contract in src/api.ts). */
export const IMPORT_CHUNK_ROWS = IMPORT_MAX_ROWS;

export interface ImportChunk {
  body: string;
  /** Data rows in this chunk. */
  rows: number;
  /** File line number of each data row, in order. */
  fileLines: number[];
  /** Bytes of the file consumed up to the end of this chunk. */
  bytesDone: number;
}

export function formatOf(fileName: string, mediaType: string): ImportFormat | undefined {
  if (/\.(ndjson|jsonl)$/i.test(fileName) || /ndjson|jsonl|jsonlines/.test(mediaType)) return 'ndjson';
  if (/\.csv$/i.test(fileName) || mediaType === 'text/csv') return 'csv';
  return undefined;
}

/** Lines of a byte stream, with their 1-based number and their size in bytes including the line break. */
export async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<{ text: string; number: number; bytes: number }> {
  // ignoreBOM keeps a byte-order mark in the text, so the byte count stays exact; it is cut from line 1 below.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const encoder = new TextEncoder();
  const reader = stream.getReader();
  let pending = '';
  let number = 0;
  const lineBytes = (text: string, breakLength: number) => encoder.encode(text).length + breakLength;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let at = pending.indexOf('\n');
      while (at >= 0) {
        const raw = pending.slice(0, at);
        pending = pending.slice(at + 1);
        const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        number++;
        yield { text: number === 1 ? text.replace(/^\uFEFF/, '') : text, number, bytes: lineBytes(raw, 1) };
        at = pending.indexOf('\n');
      }
      if (done) break;
    }
    if (pending !== '') {
      number++;
      yield { text: number === 1 ? pending.replace(/^\uFEFF/, '') : pending, number, bytes: lineBytes(pending, 0) };
    }
  } finally {
    reader.releaseLock();
  }
}

export async function* chunksOf(
  stream: ReadableStream<Uint8Array>,
  format: ImportFormat,
  maxRows = IMPORT_CHUNK_ROWS,
): AsyncGenerator<ImportChunk> {
  let header: string | undefined;
  let rows: string[] = [];
  let fileLines: number[] = [];
  let bytesDone = 0;
  const flush = (): ImportChunk => {
    const body = `${format === 'csv' ? `${header}\n` : ''}${rows.join('\n')}\n`;
    const chunk = { body, rows: rows.length, fileLines, bytesDone };
    rows = [];
    fileLines = [];
    return chunk;
  };
  for await (const line of linesOf(stream)) {
    bytesDone += line.bytes;
    // Blank lines are not rows, for the Worker either (worker/import/parse.ts).
    if (line.text.trim() === '') continue;
    if (format === 'csv' && header === undefined) {
      header = line.text;
      continue;
    }
    rows.push(line.text);
    fileLines.push(line.number);
    if (rows.length === maxRows) yield flush();
  }
  if (format === 'csv' && header === undefined) throw new Error('empty_csv');
  if (rows.length > 0) yield flush();
}

/** The file line a Worker rejection names: chunk line numbers count the repeated header in CSV. */
export function fileLineOf(chunk: ImportChunk, format: ImportFormat, chunkLine: number): number {
  const index = chunkLine - (format === 'csv' ? 2 : 1);
  return chunk.fileLines[index] ?? chunkLine;
}

/** Rejected rows as CSV (RFC 4180), for the download after an import. */
export function rejectionsCsv(rejected: readonly { line: number; error: string }[]): string {
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `line,reason\r\n${rejected.map((r) => `${r.line},${quote(r.error)}\r\n`).join('')}`;
}

/** Seconds left at the rate so far; undefined until there is a rate to go by. */
export function secondsLeft(fractionDone: number, elapsedSeconds: number): number | undefined {
  if (fractionDone <= 0 || elapsedSeconds <= 0) return undefined;
  return Math.max(0, Math.round((elapsedSeconds / fractionDone) * (1 - fractionDone)));
}
