// The holder databases of one request (docs/scale.md "Sharding holders"): the shard map applied
// to the Worker's D1 bindings. Every holder path goes straight to one database, chosen from the
// bucket in the holder id, the holder secret or the keyed ID hash; only operator views read them
// all, through fanOut (./fan-out.ts).

import { type Db, openDb, openReadDb } from '../db/client.ts';
import { DomainError } from '../domain-errors.ts';
import { bucketOfHolderId, bucketOfIdHash } from './buckets.ts';
import { conventionalBindings, evenShardMap, parseShardMap, type ShardMap } from './shard-map.ts';

export interface Shard {
  /** Index into the shard map's bindings; stable for one map. */
  readonly index: number;
  /** The D1 binding's name, which is what errors and logs name. */
  readonly name: string;
  /** The primary: every write, and reads that must see them. */
  readonly db: Db;
  /** Possibly a read replica (a Sessions API session), opened on first use. */
  readonly readDb: () => Db;
}

export interface Shards {
  readonly map: ShardMap;
  readonly all: readonly Shard[];
  /** The home database (binding DB): the feed, trust lists, sign-ins, import records. */
  readonly home: Db;
  ofBucket(bucket: number): Shard;
  /** The shard of a well-formed holder id (its first two characters name the bucket). */
  ofHolderId(holderId: string): Shard;
  ofIdHash(idHash: Uint8Array): Shard;
}

/** The Worker's environment as a bag of bindings looked up by name. */
type Bindings = object;

/**
 * Parsed maps by SHARD_MAP text: the runtime may hand each request a fresh env object, and a
 * token fetch should not parse the map again. The bindings are still checked per env.
 */
const maps = new Map<string, ShardMap>();

/** The shard map of this environment; a bad SHARD_MAP is named, never guessed around. */
export function shardMapFor(env: Bindings & { SHARD_MAP?: string }): ShardMap {
  const hasBinding = (name: string) => isD1((env as Record<string, unknown>)[name]);
  const text = env.SHARD_MAP?.trim() ?? '';
  let map = maps.get(text);
  if (map === undefined) {
    if (text === '') {
      const bindings = conventionalBindings(hasBinding);
      if (bindings.length === 0) throw new DomainError('misconfigured', 'The Worker has no D1 binding named DB.');
      map = evenShardMap(bindings);
    } else {
      const parsed = parseShardMap(text, hasBinding);
      if (!parsed.ok) throw new DomainError('misconfigured', `SHARD_MAP: ${parsed.problem}.`);
      map = parsed.map;
    }
    // Only an explicit map is cached: the conventional one depends on which bindings exist.
    if (text !== '') maps.set(text, map);
  } else if (!map.bindings.every(hasBinding)) {
    throw new DomainError(
      'misconfigured',
      `SHARD_MAP names a binding this Worker does not have (${map.bindings.filter((b) => !hasBinding(b)).join(', ')}).`,
    );
  }
  return map;
}

/**
 * The databases of one request. Shards are opened on first use, so a token fetch, which needs
 * one database, builds one handle, not one per database.
 */
export function openShards(env: Bindings & { DB: D1Database; SHARD_MAP?: string }): Shards {
  const map = shardMapFor(env);
  const opened: (Shard | undefined)[] = new Array(map.bindings.length);
  const shard = (index: number): Shard => {
    let s = opened[index];
    if (!s) {
      const name = map.bindings[index]!;
      const d1 = (env as Record<string, unknown>)[name] as D1Database;
      let replica: Db | undefined;
      s = { index, name, db: openDb(d1), readDb: () => (replica ??= openReadDb(d1)) };
      opened[index] = s;
    }
    return s;
  };
  const ofBucket = (bucket: number) => shard(map.shardOfBucket[bucket]!);
  let home: Db | undefined;
  return {
    map,
    get all() {
      return map.bindings.map((_, i) => shard(i));
    },
    get home() {
      home ??= openDb(env.DB);
      return home;
    },
    ofBucket,
    ofHolderId(holderId) {
      const bucket = bucketOfHolderId(holderId);
      if (bucket === undefined) throw new TypeError('not a holder id');
      return ofBucket(bucket);
    },
    ofIdHash: (idHash) => ofBucket(bucketOfIdHash(idHash)),
  };
}

function isD1(value: unknown): value is D1Database {
  return typeof value === 'object' && value !== null && typeof (value as D1Database).prepare === 'function';
}
