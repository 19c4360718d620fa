// Seeding a local D1 with N real holders, fast: one generated SQL file applied with
// `wrangler d1 execute --local --file`. Real means the Worker accepts them: ID hashes are
// HMAC-SHA-256 under the Worker's ID_HMAC_KEY, secret hashes are SHA-256 of secrets the bench can
// re-derive (bench-secrets.ts), and every holder has the status events and audit rows an
// enrolment (and, for red and yellow holders, a downgrade with its revocation) would have written.

import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { signTrustList, toHex } from '../../../src/index.ts';
import { type BenchSecrets, benchKeys, holderSecret, idHashOf, sha256Hex } from './secrets.ts';

export interface SeedPlan {
  holders: number;
  /** Holders 0..red-1 are red, the next `yellow` yellow, the rest green. */
  red: number;
  yellow: number;
  /** NumericDate the seed's times are anchored at (they are rebased on each use: rebaseSql). */
  t0: number;
}

export type SeedColor = 'green' | 'yellow' | 'red';

export const ISSUER = 'ZJ'; // wrangler.toml [vars] ISSUER
const ROWS_PER_INSERT = 200;
const DAY = 86400;

export function idNumberOf(i: number): string {
  return `B${String(i).padStart(9, '0')}X`;
}

export function colorOf(plan: SeedPlan, i: number): SeedColor {
  return i < plan.red ? 'red' : i < plan.red + plan.yellow ? 'yellow' : 'green';
}

const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567';

/** A bijection of i onto `bits`-bit values, spread out, in base32 (unique for distinct i). */
function spread(i: number, bits: number, alphabet: string): string {
  const mask = (1n << BigInt(bits)) - 1n;
  let v = (BigInt(i) * 0x9e3779b97f4a7c15n + 0x1234567n) & mask; // odd multiplier: invertible mod 2^bits
  let out = '';
  for (let k = 0; k < bits / 5; k++) {
    out = alphabet[Number(v & 31n)]! + out;
    v >>= 5n;
  }
  return out;
}

export const holderIdOf = (i: number): string => spread(i, 80, BASE32_LOWER);
export const subOf = (i: number): string => spread(i, 40, BASE32_LOWER.toUpperCase());

/** Holder i's times relative to t0: enrolled within the hour before, downgraded a minute later. */
function timesOf(plan: SeedPlan, i: number) {
  const enrolled = plan.t0 - 3600 + (i % 3000);
  return { enrolled, changed: enrolled + 60 };
}

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

export async function writeSeedSql(file: string, secrets: BenchSecrets, plan: SeedPlan): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
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
  await write(
    `INSERT INTO trust_lists (version, cose, issued_at, installed_at) VALUES (1, X'${toHex(cose)}', ${plan.t0 - DAY}, ${plan.t0 - DAY});\n`,
  );

  for (let start = 0; start < plan.holders; start += ROWS_PER_INSERT) {
    const end = Math.min(plan.holders, start + ROWS_PER_INSERT);
    const holders: string[] = [];
    const events: string[] = [];
    const audit: string[] = [];
    const revocations: string[] = [];
    for (let i = start; i < end; i++) {
      const id = holderIdOf(i);
      const color = colorOf(plan, i);
      const { enrolled, changed } = timesOf(plan, i);
      const since = color === 'green' ? enrolled : changed;
      const until = color === 'red' ? since + 14 * DAY : color === 'yellow' ? since + 7 * DAY : null;
      const version = color === 'green' ? 1 : 2;
      holders.push(
        `(${q(id)}, ${q(subOf(i))}, ${q(idHashOf(secrets, idNumberOf(i)))}, ${q(sha256Hex(holderSecret(secrets, i)))}, 'B* H*', 1990, ${q(color)}, ${since}, ${until ?? 'NULL'}, ${version}, ${enrolled}, ${since})`,
      );
      events.push(`(${q(id)}, ${enrolled}, 'green', 'declaration', 'holder', 'declaration: nothing to report')`);
      audit.push(`(${enrolled}, 'declaration', 'holder', 'holder.enrol', ${q(id)}, NULL, 'green', 'declaration: nothing to report', NULL)`);
      if (color !== 'green') {
        const reason = `bench seed: ${color}`;
        events.push(`(${q(id)}, ${changed}, ${q(color)}, 'operator', 'bench', ${q(reason)})`);
        audit.push(`(${changed}, 'operator', 'bench', 'status.set', ${q(id)}, 'green', ${q(color)}, ${q(reason)}, NULL)`);
        // The feed entry only (its sequence number and cut): the seed writes no window indices.
        revocations.push(`(${changed + 5}, ${changed})`);
      }
    }
    await write(
      `INSERT INTO holders (id, sub, id_hash, secret_hash, masked_name, birth_year, color, since, until, status_version, created_at, updated_at) VALUES ${holders.join(',')};\n` +
        `INSERT INTO status_events (holder_id, at, color, source, actor, reason) VALUES ${events.join(',')};\n` +
        `INSERT INTO audit_log (at, actor_type, actor, action, holder_id, from_color, to_color, reason, detail) VALUES ${audit.join(',')};\n` +
        (revocations.length ? `INSERT INTO revocations (revoked_before, created_at) VALUES ${revocations.join(',')};\n` : ''),
    );
  }
  // The console's per-colour counts (worker/db/counters.ts), which the Worker keeps with every
  // write; a seed that writes holders directly sets them once at the end.
  await write(`UPDATE color_counts SET holders = (SELECT count(*) FROM holders WHERE holders.color = color_counts.color);\n`);
  // Slots and bucket counters as enrolment assigns them (worker/holders/enrol.ts): the backfill
  // statements of migration 0006, which number holders per bucket in enrolment order.
  await write(`${slotBackfillSql()}\n`);
  out.end();
  await once(out, 'finish');
}

/** Moves every stored time by `delta` seconds, so a cached seed looks freshly made. */
export function rebaseSql(delta: number): string {
  const d = Math.trunc(delta);
  return `${[
    `UPDATE holders SET since = since + ${d}, until = until + ${d}, created_at = created_at + ${d}, updated_at = updated_at + ${d}`,
    `UPDATE status_events SET at = at + ${d}`,
    `UPDATE audit_log SET at = at + ${d}`,
    `UPDATE revocations SET revoked_before = revoked_before + ${d}, created_at = created_at + ${d}`,
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
