// The drizzle handle over the D1 binding. Query helpers in worker/db/*.ts take it as their first
// argument, so tests can call them directly and the routes never build SQL themselves.

import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';
import { toHex } from '../../src/index.ts';
import * as schema from './schema.ts';

export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database };

const handles = new WeakMap<D1Database, Db>();

export function openDb(d1: D1Database): Db {
  let db = handles.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    handles.set(d1, db);
  }
  return db;
}

/**
 * A handle for read-only routes that may be served by a D1 read replica: a Sessions API session
 * with no ordering constraint ("first-unconstrained"), per request. Without read replication
 * enabled on the database, D1 routes it to the primary, so this is always safe to use. Replicas
 * lag the primary: worker/tokens/issue.ts bounds what that can do to revocation.
 * https://developers.cloudflare.com/d1/best-practices/read-replication/
 */
export function openReadDb(d1: D1Database): Db {
  if (typeof d1.withSession !== 'function') return openDb(d1);
  // drizzle only calls prepare() and batch(), which a session has too.
  return drizzle(d1.withSession('first-unconstrained') as unknown as D1Database, { schema });
}

/** Splits values so each query stays under D1's limit of bound parameters. */
export function chunk<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/**
 * Guarded writes go to D1 as plain prepared statements: drizzle's batch cannot carry a raw `sql`
 * statement with parameters (drizzle-orm 0.45 d1 session), and the `INSERT ... SELECT ... WHERE
 * changes() = 1` chains need raw SQL. Query-builder statements join them through toSQL().
 */
export function statementOf(db: Db, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  return db.$client.prepare(sql).bind(...params);
}

export function rawStatement(db: Db, sql: string, ...params: (string | number | null | Uint8Array)[]): D1PreparedStatement {
  // D1 binds an ArrayBuffer as a BLOB.
  return db.$client.prepare(sql).bind(...params.map((p) => (p instanceof Uint8Array ? p.slice().buffer : p)));
}

/** A stored hash as an in-memory Map key (hex), for batch lookups; never logged or stored. */
export function hashKey(hash: Uint8Array): string {
  return toHex(hash);
}

export async function runBatch(db: Db, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  return statements.length === 0 ? [] : db.$client.batch(statements);
}
