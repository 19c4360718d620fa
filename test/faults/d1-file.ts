// Reading the local D1 databases straight from their SQLite files (node:sqlite), to check what a
// killed Worker left behind without asking the Worker. Miniflare keeps each D1 database as one
// SQLite file in WAL mode under <persist>/v3/d1/miniflare-D1DatabaseObject/; a read-only
// connection sees exactly what committed, and can read while a Worker is writing. Holders are
// sharded (docs/scale.md "Sharding holders"): each holder's row, events, audit rows and outbox
// revocations live together in one database, and the home database's feed holds copies of every
// outbox row, so a holder's story is read from its own file and the feed from all of them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** The SQLite file of every local D1 database under a persist directory. */
export function localD1Files(persistDir: string): string[] {
  const dir = join(persistDir, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (files.length === 0) throw new Error(`no D1 database in ${dir}`);
  return files.sort().map((f) => join(dir, f));
}

/**
 * `read` on a fresh connection to every database, closed afterwards; results in file order.
 * Read-only while a Worker may be writing; read-write (WAL recovery) only when none runs.
 */
export function eachLocalD1<T>(persistDir: string, read: (db: DatabaseSync) => T, o: { readOnly: boolean } = { readOnly: true }): T[] {
  return localD1Files(persistDir).map((file) => {
    const db = new DatabaseSync(file, { readOnly: o.readOnly });
    try {
      return read(db);
    } finally {
      db.close();
    }
  });
}

/** The sum over every database of a one-number query (`select count(*) as n ...`). */
export function sumOverD1(persistDir: string, sql: string): number {
  return eachLocalD1(persistDir, (db) => (db.prepare(sql).get() as { n: number }).n).reduce((a, b) => a + b, 0);
}

/** Every holder's story, read from the database that holds it; throws if one id is in two. */
export function storiesIn(persistDir: string, o: { readOnly: boolean } = { readOnly: true }): Map<string, HolderStory> {
  const all = new Map<string, HolderStory>();
  for (const stories of eachLocalD1(persistDir, readStories, o))
    for (const [id, story] of stories) {
      if (all.has(id)) throw new Error(`holder ${id} is in two databases`);
      all.set(id, story);
    }
  return all;
}

/** feedDisagreements over every local database. */
export function feedDisagreementsIn(persistDir: string): string[] {
  const dbs = localD1Files(persistDir).map((file) => new DatabaseSync(file, { readOnly: true }));
  try {
    return feedDisagreements(dbs);
  } finally {
    for (const db of dbs) db.close();
  }
}

/**
 * What the feed lacks or has twice, compared with the outboxes: each outbox row (its cut and
 * time; entries name no holder) of any database must be in the home database's feed exactly once
 * (worker/feed/forward.ts). Empty when the feed and the outboxes agree.
 */
export function feedDisagreements(dbs: DatabaseSync[]): string[] {
  type Row = { revoked_before: number; created_at: number };
  const count = (into: Map<string, number>, rows: Row[]) => {
    for (const r of rows) into.set(`${r.revoked_before}@${r.created_at}`, (into.get(`${r.revoked_before}@${r.created_at}`) ?? 0) + 1);
  };
  const outbox = new Map<string, number>();
  const feed = new Map<string, number>();
  for (const db of dbs) {
    count(outbox, db.prepare('select revoked_before, created_at from revocation_outbox').all() as Row[]);
    count(feed, db.prepare('select revoked_before, created_at from revocations where origin is not null').all() as Row[]);
  }
  const out: string[] = [];
  for (const [k, n] of outbox) if (feed.get(k) !== n) out.push(`${k}: ${n} in the outboxes, ${feed.get(k) ?? 0} in the feed`);
  for (const [k, n] of feed) if (!outbox.has(k)) out.push(`${k}: ${n} in the feed, none in the outboxes`);
  return out;
}

type Color = 'green' | 'yellow' | 'red';
const STRICTNESS: Record<Color, number> = { green: 0, yellow: 1, red: 2 };

export interface HolderStory {
  id: string;
  color: Color;
  version: number;
  events: { at: number; color: Color; source: string; reason: string }[];
  audit: { action: string; from: Color | null; to: Color; reason: string }[];
  revokedBefore: number[];
}

/**
 * One database's holders: row, events, status audit rows and revocation cuts, keyed by holder id.
 * A holder's cuts have their entries in its own database's outbox (written in the status batch).
 */
export function readStories(db: DatabaseSync): Map<string, HolderStory> {
  const stories = new Map<string, HolderStory & { since: number }>();
  // A feed entry names no holder: the holder row keeps its cuts (written with the status), and each
  // cut must have its entry in the outbox or, once copied, in the feed.
  const entries = new Set(
    (
      db.prepare('select revoked_before from revocation_outbox union all select revoked_before from revocations').all() as {
        revoked_before: number;
      }[]
    ).map((r) => r.revoked_before),
  );
  for (const h of db.prepare('select id, color, since, status_version, revocation_cuts from holders').all() as {
    id: string;
    color: Color;
    since: number;
    status_version: number;
    revocation_cuts: string | null;
  }[]) {
    const cuts = JSON.parse(h.revocation_cuts ?? '[]') as number[];
    stories.set(h.id, {
      id: h.id,
      color: h.color,
      since: h.since,
      version: h.status_version,
      events: [],
      audit: [],
      revokedBefore: cuts.filter((cut) => entries.has(cut)),
    });
  }
  for (const e of db.prepare('select holder_id, at, color, source, reason from status_events order by id').all() as {
    holder_id: string;
    at: number;
    color: Color;
    source: string;
    reason: string;
  }[]) {
    stories.get(e.holder_id)?.events.push({ at: e.at, color: e.color, source: e.source, reason: e.reason });
  }
  for (const a of db
    .prepare(
      'select holder_id, action, from_color, to_color, reason from audit_log where holder_id is not null and to_color is not null order by id',
    )
    .all() as { holder_id: string; action: string; from_color: Color | null; to_color: Color; reason: string }[]) {
    stories.get(a.holder_id)?.audit.push({ action: a.action, from: a.from_color, to: a.to_color, reason: a.reason });
  }
  for (const s of stories.values()) {
    const problem = inconsistency(s);
    if (problem) throw new Error(`holder ${s.id} is half-changed: ${problem}`);
  }
  return stories;
}

/**
 * Why a holder's rows do not tell one story, or undefined: the row is its latest event, the
 * version counts the events, each event has one audit row naming the colour it left, and exactly
 * the downgrades have an outbox revocation at their time + 5 s (docs/revocation-feed.md), written
 * in the same batch as the change.
 */
function inconsistency(s: HolderStory & { since: number }): string | undefined {
  const last = s.events.at(-1);
  if (!last) return 'no status event';
  if (s.color !== last.color || s.since !== last.at) return `row ${s.color}@${s.since}, latest event ${last.color}@${last.at}`;
  if (s.version !== s.events.length) return `version ${s.version}, ${s.events.length} events`;
  if (s.audit.length !== s.events.length) return `${s.audit.length} audit rows, ${s.events.length} events`;
  const downgrades: number[] = [];
  for (let i = 0; i < s.events.length; i++) {
    const e = s.events[i]!;
    const a = s.audit[i]!;
    if (a.to !== e.color || a.reason !== e.reason) return `audit row ${i} says ${a.to} "${a.reason}", event says ${e.color} "${e.reason}"`;
    if (i === 0) continue;
    const before = s.events[i - 1]!;
    if (a.from !== before.color) return `audit row ${i} leaves ${a.from}, the holder was ${before.color}`;
    if (STRICTNESS[e.color] > STRICTNESS[before.color]) downgrades.push(e.at + 5);
  }
  if (JSON.stringify(downgrades) !== JSON.stringify(s.revokedBefore))
    return `revocations ${JSON.stringify(s.revokedBefore)}, downgrades need ${JSON.stringify(downgrades)}`;
  return undefined;
}

/** What a clean run and a recovered run must agree on: everything but times and ids. */
export function shapeOf(s: HolderStory) {
  return {
    color: s.color,
    version: s.version,
    events: s.events.map((e) => [e.color, e.source, e.reason]),
    audit: s.audit.map((a) => [a.action, a.from, a.to, a.reason]),
    revocations: s.revokedBefore.length,
  };
}
