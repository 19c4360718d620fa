// Seeding the local holder databases with N real holders, fast: one generated SQL file per D1
// database, applied with `wrangler d1 execute <binding> --local --file`. Real means the Worker
// accepts them: ID hashes are HMAC-SHA-256 under the Worker's ID_HMAC_KEY, each holder sits in the
// database its bucket maps to under the config's SHARD_MAP (holders.ts, worker/shards/), secret
// hashes are SHA-256 of v2 secrets the bench can re-derive (both 32-byte BLOBs, as the Worker
// stores them), and every holder has the status events and audit rows an enrolment (and, for red
// and yellow holders, a downgrade with its feed entry in the home database; no window indices)
// would have written.

import { once } from 'node:events';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { localDate, signTrustList, toHex } from '../../../src/index.ts';
import type { ShardMap } from '../../../worker/shards/shard-map.ts';
import { holderSecret, seedHolder } from './holders.ts';
import { type BenchSecrets, benchKeys, sha256Hex } from './secrets.ts';

export interface SeedPlan {
  holders: number;
  /** Holders 0..red-1 are red, the next `yellow` yellow, the rest green. */
  red: number;
  yellow: number;
  /** Clean daily check-ins per holder, on the days before t0's (0: none). */
  checkinDays?: number;
  /** NumericDate the seed's times are anchored at (they are rebased on each use: rebaseSql). */
  t0: number;
}

export type SeedColor = 'green' | 'yellow' | 'red';

export const ISSUER = 'ZJ'; // wrangler.toml [vars] ISSUER
const TIME_ZONE = 'Asia/Shanghai'; // wrangler.toml [vars] TIME_ZONE: check-in days are local days
/** The home database (worker/shards/shards.ts): the feed and the trust lists live there. */
export const HOME_BINDING = 'DB';
const ROWS_PER_INSERT = 200;
const DAY = 86400;

export function colorOf(plan: SeedPlan, i: number): SeedColor {
  return i < plan.red ? 'red' : i < plan.red + plan.yellow ? 'yellow' : 'green';
}

/**
 * Holder i's times relative to t0: enrolled within the hour before, downgraded a minute later.
 * With check-ins, enrolled the day before the first of them (so each is in the holder's green
 * period, as the Worker would have seen it), and red or yellow holders downgraded in the hour
 * before t0.
 */
function timesOf(plan: SeedPlan, i: number) {
  const days = plan.checkinDays ?? 0;
  if (days === 0) {
    const enrolled = plan.t0 - 3600 + (i % 3000);
    return { enrolled, changed: enrolled + 60 };
  }
  return { enrolled: plan.t0 - (days + 1) * DAY + (i % 3000), changed: plan.t0 - 3600 + (i % 3000) };
}

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** One database's SQL file, written as a stream with back-pressure. */
class SqlFile {
  readonly out: WriteStream;
  holders: string[] = [];
  events: string[] = [];
  audit: string[] = [];
  checkins: string[] = [];
  readonly binding: string;
  readonly path: string;
  constructor(binding: string, path: string) {
    this.binding = binding;
    this.path = path;
    this.out = createWriteStream(path);
  }
  async write(text: string): Promise<void> {
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
  async flush(): Promise<void> {
    const parts = [
      [
        'holders (id, sub, id_hash, secret_hash, masked_name, birth_year, color, since, until, status_version, created_at, updated_at)',
        this.holders,
      ],
      ['status_events (holder_id, at, color, source, actor, reason)', this.events],
      ['audit_log (at, actor_type, actor, action, holder_id, from_color, to_color, reason, detail)', this.audit],
      ['checkins (holder_id, day, at, symptoms, temperature)', this.checkins],
    ] as const;
    let text = '';
    for (const [into, rows] of parts) if (rows.length) text += `INSERT INTO ${into} VALUES ${rows.join(',')};\n`;
    this.holders = [];
    this.events = [];
    this.audit = [];
    this.checkins = [];
    if (text) await this.write(text);
  }
  /** Rows waiting, by the table with most: a D1 statement must stay well under 100 KB. */
  get full(): boolean {
    return this.holders.length >= ROWS_PER_INSERT || this.checkins.length >= 5 * ROWS_PER_INSERT;
  }
}

/**
 * Writes `<dir>/seed-<binding>.sql` for every database of `map` and returns binding -> file. The
 * home database's file also installs the trust list and holds the feed entry of every downgrade.
 */
export async function writeSeedSql(dir: string, secrets: BenchSecrets, plan: SeedPlan, map: ShardMap): Promise<Map<string, string>> {
  if (!map.bindings.includes(HOME_BINDING)) throw new Error(`the shard map has no ${HOME_BINDING} (the home database)`);
  const files = map.bindings.map((b) => new SqlFile(b, join(dir, `seed-${b}.sql`)));
  const home = files[map.bindings.indexOf(HOME_BINDING)]!;
  const { root, signing } = await benchKeys(secrets);
  const cose = await signTrustList(
    {
      version: 1,
      issuedAt: plan.t0 - DAY,
      nextUpdate: plan.t0 + 365 * DAY,
      issuer: ISSUER,
      keys: [{ kid: signing.kid, publicKey: signing.publicKey, state: 'active', validFrom: plan.t0 - DAY }],
    },
    root,
  );
  await home.write(
    `INSERT INTO trust_lists (version, cose, issued_at, installed_at) VALUES (1, X'${toHex(cose)}', ${plan.t0 - DAY}, ${plan.t0 - DAY});\n`,
  );
  const checkinDays = Array.from({ length: plan.checkinDays ?? 0 }, (_, k) => {
    const at = plan.t0 - (k + 1) * DAY;
    return { at, day: localDate(at, TIME_ZONE) };
  });
  const feed: string[] = [];
  const flushFeed = async () => {
    if (feed.length) await home.write(`INSERT INTO revocations (revoked_before, created_at) VALUES ${feed.join(',')};\n`);
    feed.length = 0;
  };

  for (let i = 0; i < plan.holders; i++) {
    const h = seedHolder(secrets, i);
    const file = files[map.shardOfBucket[h.bucket]!]!;
    const id = q(h.id);
    const color = colorOf(plan, i);
    const { enrolled, changed } = timesOf(plan, i);
    const since = color === 'green' ? enrolled : changed;
    const until = color === 'red' ? since + 14 * DAY : color === 'yellow' ? since + 7 * DAY : null;
    const version = color === 'green' ? 1 : 2;
    file.holders.push(
      `(${id}, ${q(h.sub)}, X'${h.idHash}', X'${sha256Hex(holderSecret(secrets, i, h.bucket))}', 'B* H*', 1990, ${q(color)}, ${since}, ${until ?? 'NULL'}, ${version}, ${enrolled}, ${since})`,
    );
    file.events.push(`(${id}, ${enrolled}, 'green', 'declaration', 'holder', 'declaration: nothing to report')`);
    file.audit.push(`(${enrolled}, 'declaration', 'holder', 'holder.enrol', ${id}, NULL, 'green', 'declaration: nothing to report', NULL)`);
    if (color !== 'green') {
      const reason = q(`bench seed: ${color}`);
      file.events.push(`(${id}, ${changed}, ${q(color)}, 'operator', 'bench', ${reason})`);
      file.audit.push(`(${changed}, 'operator', 'bench', 'status.set', ${id}, 'green', ${q(color)}, ${reason}, NULL)`);
      // The feed entry only (its sequence number and cut), in the home database: the seed writes
      // no window indices, so there is no outbox row to forward.
      feed.push(`(${changed + 5}, ${changed})`);
    }
    for (const c of checkinDays) file.checkins.push(`(${id}, '${c.day}', ${c.at + (i % 3000)}, 0, 36.6)`);
    if (file.full) await file.flush();
    if (feed.length >= ROWS_PER_INSERT) await flushFeed();
  }
  await flushFeed();
  for (const file of files) {
    await file.flush();
    // The console's per-colour counts (worker/db/counters.ts) are per database and kept by the
    // Worker with every write; a seed that writes holders directly sets them once at the end.
    await file.write(`UPDATE color_counts SET holders = (SELECT count(*) FROM holders WHERE holders.color = color_counts.color);\n`);
    if (checkinDays.length) {
      const count = `(SELECT count(*) FROM holders)`;
      const rows = checkinDays.map((c) => `('${c.day}', 'checkins', ${count})`).join(',');
      await file.write(`INSERT INTO daily_counts (day, metric, count) VALUES ${rows};\n`);
    }
    // Slots and bucket counters as enrolment assigns them (worker/holders/enrol.ts): the backfill
    // statements of migration 0006, which number holders per bucket in enrolment order.
    await file.write(`${slotBackfillSql()}\n`);
    file.out.end();
    await once(file.out, 'finish');
  }
  return new Map(files.map((f) => [f.binding, f.path]));
}

/**
 * Moves every stored time by `delta` seconds, so a cached seed looks freshly made. Check-ins keep
 * their local day strings (a day cannot be shifted in SQL); their times move with the holders',
 * so a check-in stays inside the status period it was made in.
 */
export function rebaseSql(delta: number): string {
  const d = Math.trunc(delta);
  return `${[
    `UPDATE holders SET since = since + ${d}, until = until + ${d}, created_at = created_at + ${d}, updated_at = updated_at + ${d}`,
    `UPDATE status_events SET at = at + ${d}`,
    `UPDATE audit_log SET at = at + ${d}`,
    `UPDATE revocation_outbox SET revoked_before = revoked_before + ${d}, created_at = created_at + ${d}`,
    `UPDATE revocations SET revoked_before = revoked_before + ${d}, created_at = created_at + ${d}`,
    `UPDATE checkins SET at = at + ${d}`,
  ].join(';\n')};\n`;
}

/** The two backfill statements of worker/migrations/0006_window_feed.sql, read from the file. */
function slotBackfillSql(): string {
  const migration = readFileSync(new URL('../../../worker/migrations/0006_window_feed.sql', import.meta.url), 'utf8');
  const statements = migration
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => /(UPDATE `holders` SET `slot`|INSERT INTO `bucket_counters`)/.test(s));
  if (statements.length !== 2) throw new Error('migration 0006 no longer has its two backfill statements');
  return statements.map((s) => `${s.replace(/^(--[^\n]*\n)+/, '')};`).join('\n');
}
