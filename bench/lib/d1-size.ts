// The bytes a local D1 holds, read from Miniflare's SQLite files (one per database, under
// <persist>/v3/d1/miniflare-D1DatabaseObject/) with SQLite's dbstat table: pages in use per table
// and index, so a figure can say what a holder costs and where the bytes go. Read-only; no Worker
// may be running on the directory.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface D1Size {
  /** Pages in use × page size, over every database (free pages excluded). */
  bytes: number;
  /** Bytes by table or index name, over every database. */
  byObject: Record<string, number>;
  databases: number;
  /** Rows of `holders` in each database, in file order. */
  holdersPerDatabase: number[];
  /** Rows of `checkins` over every database. */
  checkinRows: number;
}

export function localD1Size(persistDir: string): D1Size {
  const dir = join(persistDir, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  const byObject: Record<string, number> = {};
  let bytes = 0;
  const holdersPerDatabase: number[] = [];
  let checkinRows = 0;
  for (const f of files) {
    const db = new DatabaseSync(join(dir, f), { readOnly: true });
    try {
      holdersPerDatabase.push((db.prepare('select count(*) as n from holders').get() as { n: number }).n);
      checkinRows += (db.prepare('select count(*) as n from checkins').get() as { n: number }).n;
      for (const row of db.prepare('select name, sum(pgsize) as size from dbstat group by name').all() as {
        name: string;
        size: number;
      }[]) {
        byObject[row.name] = (byObject[row.name] ?? 0) + row.size;
        bytes += row.size;
      }
    } finally {
      db.close();
    }
  }
  return { bytes, byObject, databases: files.length, holdersPerDatabase, checkinRows };
}
