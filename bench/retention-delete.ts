// How fast the cron's check-in pruning statement deletes, on plain SQLite (node:sqlite, a file
// database in WAL mode) rather than D1: an indication of the writer time retention costs, quoted
// in docs/scale.md "Retention". Not part of `npm run bench` (it is an absolute rate, not a ratio).
// Run: node bench/retention-delete.ts [rows=1000000]

import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pruneStatementSql } from '../worker/retention/statements.ts';
import { TUNABLES } from '../worker/tunables.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const file = join(tmpdir(), `tricolor-retention-${process.pid}.db`);
const db = new DatabaseSync(file);
try {
  db.exec(`pragma journal_mode = wal;
    create table checkins (holder_id text not null, day text not null, at integer not null, symptoms integer not null,
      temperature real, primary key (holder_id, day));`);
  const insert = db.prepare('insert into checkins values (?, ?, ?, 0, 36.5)');
  db.exec('begin');
  // Random holder ids, as in production: each delete touches scattered pages of the primary-key index.
  for (let i = 0; i < rows; i++) {
    const day = `2026-01-${String(1 + Math.floor((i * 20) / rows)).padStart(2, '0')}`;
    insert.run(crypto.randomUUID().replaceAll('-', '').slice(0, 16), day, i);
  }
  db.exec('commit');
  const prune = db.prepare(pruneStatementSql('checkins'));
  const chunk = TUNABLES.retentionChunkRows;
  const statements = Math.floor((rows * 0.4) / chunk);
  const started = performance.now();
  let deleted = 0;
  for (let i = 0; i < statements; i++) deleted += Number(prune.run(chunk, '2026-02-01').changes);
  const seconds = (performance.now() - started) / 1000;
  console.log({
    deleted,
    chunk,
    seconds: +seconds.toFixed(2),
    rowsPerSecond: Math.round(deleted / seconds),
    msPerStatement: +((seconds * 1000) / statements).toFixed(1),
  });
} finally {
  db.close();
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
}
