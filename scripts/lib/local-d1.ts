// The local D1 (Miniflare's SQLite under .wrangler/state, or --persist-to) through
// `wrangler d1 execute DB --local`: read the installed trust-list version, insert a new list.
// Table contract: trust_lists(version, cose, issued_at, installed_at) (docs/architecture.md).

import { KeysError } from '../../keys/errors.ts';
import type { Reporter } from '../../keys/progress.ts';
import { fromHex, type TrustList, toHex } from '../../src/index.ts';
import { runWrangler } from './wrangler-exec.ts';

export interface LocalD1Target {
  /** The repository root: wrangler runs there. */
  cwd: string;
  configPath: string;
  /** Miniflare persistence directory; wrangler's default (.wrangler/state) when absent. */
  persistTo?: string;
  reporter: Reporter;
}

function baseArgs(target: LocalD1Target): string[] {
  const args = ['d1', 'execute', 'DB', '--local', '--config', target.configPath];
  if (target.persistTo) args.push('--persist-to', target.persistTo);
  return args;
}

export async function queryLocalD1(target: LocalD1Target, sql: string, label: string): Promise<Record<string, unknown>[]> {
  const stdout = await runWrangler([...baseArgs(target), '--json', '--command', sql], {
    cwd: target.cwd,
    label,
    reporter: target.reporter,
  });
  try {
    const parsed = JSON.parse(stdout) as { results?: Record<string, unknown>[] }[];
    return parsed.flatMap((r) => r.results ?? []);
  } catch {
    throw new KeysError('wrangler_failed', `${label}: wrangler did not answer JSON`);
  }
}

/** The highest installed trust-list version, 0 when none. */
export async function localTrustListVersion(target: LocalD1Target): Promise<number> {
  let rows: Record<string, unknown>[];
  try {
    rows = await queryLocalD1(target, 'SELECT COALESCE(MAX(version), 0) AS v FROM trust_lists', 'reading the local D1 trust-list version');
  } catch (e) {
    if (e instanceof KeysError && e.message.includes('no such table')) {
      throw new KeysError(
        'no_schema',
        'the local D1 has no trust_lists table: apply the migrations first (`npm run dev` does, or `npx wrangler d1 migrations apply DB --local`)',
      );
    }
    throw e;
  }
  const v = rows[0]?.v;
  if (typeof v !== 'number') throw new KeysError('wrangler_failed', 'unexpected answer for the local trust-list version');
  return v;
}

/** The newest installed list's signed bytes, for the publish guard (keys/publication/guard.ts). */
export async function localInstalledTrustList(target: LocalD1Target): Promise<Uint8Array | undefined> {
  const rows = await queryLocalD1(
    target,
    'SELECT hex(cose) AS cose FROM trust_lists ORDER BY version DESC LIMIT 1',
    'reading the local D1 trust list',
  );
  const hex = rows[0]?.cose;
  if (hex === undefined) return undefined;
  if (typeof hex !== 'string') throw new KeysError('wrangler_failed', 'unexpected answer for the local trust list');
  return fromHex(hex.toLowerCase());
}

export async function insertLocalTrustList(target: LocalD1Target, list: TrustList, cose: Uint8Array, now: number): Promise<void> {
  // Every value is an integer or hex we produced, so the statement has no untrusted text in it.
  const sql = `INSERT INTO trust_lists (version, cose, issued_at, installed_at) VALUES (${list.version}, X'${toHex(cose)}', ${list.issuedAt}, ${now})`;
  await runWrangler([...baseArgs(target), '--command', sql], {
    cwd: target.cwd,
    label: `installing trust list v${list.version} into the local D1`,
    reporter: target.reporter,
  });
}
