// The console's import streaming (verifier-web/src/console/import-stream.ts): chunks of at most
// the Worker's row limit, the CSV header repeated, blank lines skipped like the Worker does, file
// line numbers kept through the chunking, and bytes counted exactly whatever the read sizes.
import { describe, expect, it } from 'vitest';
import {
  chunksOf,
  fileLineOf,
  type ImportChunk,
  linesOf,
  rejectionsCsv,
  secondsLeft,
} from '../../../verifier-web/src/console/import-stream.ts';

/** A stream that hands out the bytes in pieces of the given size (splitting characters on purpose). */
function streamOf(text: string, pieceSize = 7): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + pieceSize));
      at += pieceSize;
    },
  });
}

async function collect(text: string, format: 'csv' | 'ndjson', maxRows: number, pieceSize?: number): Promise<ImportChunk[]> {
  const out: ImportChunk[] = [];
  for await (const c of chunksOf(streamOf(text, pieceSize), format, maxRows)) out.push(c);
  return out;
}

describe('import streaming', () => {
  it('splits a CSV into chunks of at most maxRows, each with the header, skipping blank lines', async () => {
    const text = '\uFEFFidNumber,color,reason\r\nA1,red,x\r\n\r\nA2,red,é\r\nA3,red,z\r\nA4,red,w';
    const chunks = await collect(text, 'csv', 2);
    expect(chunks.map((c) => c.body)).toEqual([
      'idNumber,color,reason\nA1,red,x\nA2,red,é\n',
      'idNumber,color,reason\nA3,red,z\nA4,red,w\n',
    ]);
    expect(chunks.map((c) => c.fileLines)).toEqual([
      [2, 4],
      [5, 6],
    ]);
    expect(chunks.map((c) => c.rows)).toEqual([2, 2]);
    // The last chunk has consumed the whole file, byte for byte.
    expect(chunks[1]!.bytesDone).toBe(new TextEncoder().encode(text).length);
    expect(chunks[0]!.bytesDone).toBeLessThan(chunks[1]!.bytesDone);
  });

  it('maps the Worker line numbers of a chunk back to file lines (CSV counts the repeated header, NDJSON does not)', async () => {
    const [, second] = await collect('idNumber,color,reason\nA,red,x\nB,red,y\n\nC,red,z\n', 'csv', 2);
    expect(fileLineOf(second!, 'csv', 2)).toBe(5);
    const [nd] = await collect('{"a":1}\n\n{"b":2}\n', 'ndjson', 10);
    expect(nd!.body).toBe('{"a":1}\n{"b":2}\n');
    expect(fileLineOf(nd!, 'ndjson', 2)).toBe(3);
  });

  it('keeps multi-byte characters whole across reads', async () => {
    const text = '中文中文中文\n三色码\n';
    const lines = [];
    for await (const l of linesOf(streamOf(text, 1))) lines.push(l);
    expect(lines.map((l) => l.text)).toEqual(['中文中文中文', '三色码']);
    expect(lines.reduce((n, l) => n + l.bytes, 0)).toBe(new TextEncoder().encode(text).length);
  });

  it('refuses a CSV with no header at all', async () => {
    await expect(collect('\n\n', 'csv', 10)).rejects.toThrow('empty_csv');
  });

  it('writes rejected rows as RFC 4180 CSV', () => {
    expect(rejectionsCsv([{ line: 7, error: 'color: must be "green", "yellow" or "red"' }])).toBe(
      'line,reason\r\n7,"color: must be ""green"", ""yellow"" or ""red"""\r\n',
    );
  });

  it('estimates the time left from the rate so far', () => {
    expect(secondsLeft(0.25, 10)).toBe(30);
    expect(secondsLeft(0, 10)).toBeUndefined();
    expect(secondsLeft(1, 10)).toBe(0);
  });
});
