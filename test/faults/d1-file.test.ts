// The checker the fault tests rely on must itself fail on a half-changed holder: run it over an
// in-memory database with the Worker's real schema (worker/migrations), whole and then damaged.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { feedDisagreements, readStories } from './d1-file.ts';

const MIGRATIONS = join(import.meta.dirname, '../../worker/migrations');

function databaseWithSchema(): DatabaseSync {
  const db = new DatabaseSync(':memory:');
  for (const f of readdirSync(MIGRATIONS)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    db.exec(readFileSync(join(MIGRATIONS, f), 'utf8').replaceAll('--> statement-breakpoint', ''));
  return db;
}

function databaseWithOneDowngrade(): DatabaseSync {
  const db = databaseWithSchema();
  db.exec(`
    insert into holders (id, sub, id_hash, secret_hash, masked_name, color, since, until, status_version, created_at, updated_at, slot, revocation_cuts)
      values ('h1', 'AAAAAAAA', 'i', 's', 'Z*', 'red', 200, 1400, 2, 100, 200, 7, '[205]');
    insert into status_events (holder_id, at, color, source, actor, reason) values ('h1', 100, 'green', 'declaration', 'holder', 'enrolled'), ('h1', 200, 'red', 'import', 'op', 'listed');
    insert into audit_log (at, actor_type, actor, action, holder_id, from_color, to_color, reason)
      values (100, 'declaration', 'holder', 'holder.enrol', 'h1', null, 'green', 'enrolled'), (200, 'import', 'op', 'status.import', 'h1', 'green', 'red', 'listed');
    insert into revocation_outbox (revoked_before, created_at, refs) values (205, 200, '[[1, 0, 42]]');
  `);
  return db;
}

describe('the half-changed holder check', () => {
  it('accepts a holder whose row, events, audit rows and revocation agree', () => {
    expect(readStories(databaseWithOneDowngrade()).get('h1')).toMatchObject({ color: 'red', version: 2 });
  });

  it.each([
    ['the audit row is missing', 'delete from audit_log where action = ?', 'status.import'],
    ['the feed entry is missing', 'delete from revocation_outbox where revoked_before = ?', 205],
    ['the cut is missing from the holder row', "update holders set revocation_cuts = '[]' where id = ?", 'h1'],
    ['the event is missing', "delete from status_events where color = 'red' and holder_id = ?", 'h1'],
    ['the row was not updated', "update holders set color = 'green', since = 100, status_version = 1 where id = ?", 'h1'],
    ['the version was not bumped', 'update holders set status_version = 1 where id = ?', 'h1'],
  ])('refuses a holder when %s', (_what, sql, param) => {
    const db = databaseWithOneDowngrade();
    db.prepare(sql).run(param);
    expect(() => readStories(db)).toThrow(/half-changed/);
  });
});

describe('the feed check over several databases', () => {
  // A holder database with one downgrade in its outbox, and a home database with the feed.
  const pair = (feedRows: string) => {
    const home = databaseWithSchema();
    if (feedRows) home.exec(`insert into revocations (revoked_before, created_at, origin, origin_seq) values ${feedRows}`);
    return [databaseWithOneDowngrade(), home];
  };

  it('accepts a feed holding each outbox row once', () => {
    expect(feedDisagreements(pair("(205, 200, 'DB_1', 1)"))).toEqual([]);
  });

  it.each([
    ['the row was never forwarded', ''],
    ['the row was forwarded twice', "(205, 200, 'DB_1', 1), (205, 200, 'DB_2', 1)"],
    ['the feed has a row no outbox wrote', "(205, 200, 'DB_1', 1), (300, 295, 'DB_1', 2)"],
  ])('finds a disagreement when %s', (_what, feedRows) => {
    expect(feedDisagreements(pair(feedRows))).not.toEqual([]);
  });
});
