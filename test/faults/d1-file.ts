// Reading a local D1 straight from its SQLite file (node:sqlite), to check what a killed Worker
// left behind without asking the Worker. Miniflare keeps each D1 database as one SQLite file in
// WAL mode under <persist>/v3/d1/miniflare-D1DatabaseObject/; a read-only connection sees
// exactly what committed, and can read while a Worker is writing.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** Read-only while a Worker may be writing; read-write (WAL recovery) only when none runs. */
export function openLocalD1(persistDir: string, o: { readOnly: boolean } = { readOnly: true }): DatabaseSync {
  const dir = join(persistDir, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files.join(', ') || 'none'}`);
  return new DatabaseSync(join(dir, files[0]!), { readOnly: o.readOnly });
}

/** readStories on a fresh connection, closed afterwards. */
export function storiesIn(persistDir: string, o: { readOnly: boolean } = { readOnly: true }): Map<string, HolderStory> {
  const db = openLocalD1(persistDir, o);
  try {
    return readStories(db);
  } finally {
    db.close();
  }
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

/** Every holder's row, events, status audit rows and revocations, keyed by holder id. */
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
 * the downgrades have a revocation at their time + 5 s (docs/revocation-feed.md).
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
