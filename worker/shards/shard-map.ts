// Which D1 database holds which buckets (docs/scale.md "Sharding holders"). Pure: parsed once per
// isolate from the SHARD_MAP variable and checked against the bindings the Worker really has.
//
// SHARD_MAP is a comma-separated list of `BINDING:FIRST-LAST` bucket ranges, e.g.
// "DB:0-255,DB_1:256-511,DB_2:512-767,DB_3:768-1023". Every bucket must be covered exactly once.
// Unset, the map spreads the buckets evenly over the bindings DB, DB_1, DB_2, … that exist.
// The first database (the one holding bucket 0's binding listed first, DB by convention) is the
// home database: it also holds what is not per holder (the revocation feed, trust lists, sign-ins
// in progress, import records).

import { HOLDER_BUCKETS } from './buckets.ts';

export interface ShardMap {
  /** Binding names, one per database, in the order first listed; index = shard number. */
  readonly bindings: readonly string[];
  /** shardOfBucket[bucket] = index into `bindings`. */
  readonly shardOfBucket: Uint8Array;
}

export type ShardMapResult = { ok: true; map: ShardMap } | { ok: false; problem: string };

const RANGE = /^([A-Z][A-Z0-9_]*):(\d{1,4})-(\d{1,4})$/;
/** D1's own ceiling is thousands of bindings; 255 shards is far past any plan in docs/scale.md. */
const MAX_SHARDS = 255;

export function parseShardMap(text: string, hasBinding: (name: string) => boolean): ShardMapResult {
  const bindings: string[] = [];
  const shardOfBucket = new Uint8Array(HOLDER_BUCKETS).fill(255);
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = RANGE.exec(part);
    if (!match) return { ok: false, problem: `"${part}" is not BINDING:FIRST-LAST` };
    const [, binding, firstText, lastText] = match;
    const first = Number(firstText);
    const last = Number(lastText);
    if (first > last || last >= HOLDER_BUCKETS)
      return { ok: false, problem: `${part}: buckets run from 0 to ${HOLDER_BUCKETS - 1}, first ≤ last` };
    if (!hasBinding(binding!)) return { ok: false, problem: `${binding} is not a D1 binding of this Worker` };
    let shard = bindings.indexOf(binding!);
    if (shard < 0) {
      if (bindings.length === MAX_SHARDS) return { ok: false, problem: `at most ${MAX_SHARDS} databases` };
      shard = bindings.push(binding!) - 1;
    }
    for (let b = first; b <= last; b++) {
      if (shardOfBucket[b] !== 255) return { ok: false, problem: `bucket ${b} is mapped twice` };
      shardOfBucket[b] = shard;
    }
  }
  const missing = shardOfBucket.indexOf(255);
  if (missing >= 0) return { ok: false, problem: `bucket ${missing} is not mapped` };
  return { ok: true, map: { bindings, shardOfBucket } };
}

/** The buckets spread evenly, in contiguous ranges, over the given bindings. */
export function evenShardMap(bindings: readonly string[]): ShardMap {
  if (bindings.length === 0 || bindings.length > MAX_SHARDS) throw new RangeError('1 to 255 databases');
  const shardOfBucket = new Uint8Array(HOLDER_BUCKETS);
  for (let b = 0; b < HOLDER_BUCKETS; b++) shardOfBucket[b] = Math.floor((b * bindings.length) / HOLDER_BUCKETS);
  return { bindings: [...bindings], shardOfBucket };
}

/** The bindings DB, DB_1, DB_2, … for as long as they exist. */
export function conventionalBindings(hasBinding: (name: string) => boolean): string[] {
  const out = hasBinding('DB') ? ['DB'] : [];
  for (let i = 1; out.length === i && hasBinding(`DB_${i}`); i++) out.push(`DB_${i}`);
  return out;
}
