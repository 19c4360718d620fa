// Drill: the issuer's D1 database is restored to an earlier point (D1 Time Travel after a bad
// migration, say). Downgrades made after that point are gone from the issuer, and the restored
// database reuses their sequence numbers. docs/operations.md "Issuer database restored" is the
// procedure; this drill runs it and checks that no downgraded holder passes anywhere: not at a
// verifier that synced before the restore, not at one that syncs for the first time after it,
// and not with a fresh token from the Worker.
//
// The verifiers are the PWA's own sync code (verifier-web/src/sync), fetching through the Worker.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, verifyToken } from '../../src/index.ts';
import { createMemoryStore, type KeyValueStore } from '../../verifier-web/src/storage/kv.ts';
import type { Fetcher } from '../../verifier-web/src/sync/http.ts';
import { type StoredRevocations, syncRevocations } from '../../verifier-web/src/sync/revocation-sync.ts';
import { syncTrustList, type TrustListHolding } from '../../verifier-web/src/sync/trust-list-sync.ts';
import { T0 } from './fixtures.ts';
import { allDatabases, type Enrolled, enrol, type Harness, harness, operatorToken } from './helpers.ts';

/** A device running the PWA's sync against this Worker. */
class Verifier {
  store: KeyValueStore = createMemoryStore();
  holding: TrustListHolding | undefined;
  revocations: StoredRevocations | undefined;

  async sync(h: Harness): Promise<void> {
    const fetcher: Fetcher = (url, init) => {
      const u = new URL(url);
      return h.call('GET', u.pathname + u.search, { headers: init?.headers as Record<string, string> });
    };
    const deps = { fetcher, store: this.store, now: h.clock.t, baseUrl: 'https://issuer.test' };
    const trust = await syncTrustList({ ...deps, rootPublicKey: fromBase64Url(env.TRUST_ROOT_PUBLIC_KEY) }, this.holding);
    if (!trust.ok) throw new Error(trust.error);
    this.holding = trust.holding;
    const revocations = await syncRevocations(deps, trust.holding.list, this.revocations);
    if (!revocations.ok) throw new Error(revocations.error);
    this.revocations = revocations.stored;
  }

  async passes(token: string, now: number): Promise<boolean> {
    const result = await verifyToken(token, { keys: this.holding!.list.keys, revocations: this.revocations?.state.sets, now });
    return result.ok && result.claims.color === 'green';
  }
}

type Backup = { table: string; rows: Record<string, unknown>[] }[][];

const TABLES_SQL =
  "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name != 'd1_migrations'";

/**
 * Every row of every table of every database (the home one and each holder database), all taken
 * at one point: what restoring the whole deployment to that point with D1 Time Travel brings back.
 */
async function backupD1(): Promise<Backup> {
  const backup: Backup = [];
  for (const d1 of allDatabases()) {
    const tables = (await d1.prepare(TABLES_SQL).all<{ name: string }>()).results.map((t) => t.name);
    const copy: Backup[number] = [];
    for (const table of tables) copy.push({ table, rows: (await d1.prepare(`select * from "${table}"`).all()).results });
    backup.push(copy);
  }
  return backup;
}

/** Puts every table back as it was, AUTOINCREMENT counters included (D1 Time Travel restores the whole file). */
async function restoreD1(backup: Backup): Promise<void> {
  for (const [i, d1] of allDatabases().entries()) {
    const statements: D1PreparedStatement[] = [d1.prepare('PRAGMA defer_foreign_keys = on')];
    for (const { table } of backup[i]!) statements.push(d1.prepare(`delete from "${table}"`));
    for (const { table, rows } of backup[i]!) {
      for (const row of rows) {
        const columns = Object.keys(row);
        statements.push(
          d1
            .prepare(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`)
            .bind(...columns.map((c) => row[c])),
        );
      }
      const maxId = rows.reduce((m, r) => Math.max(m, Number(r.seq ?? r.id ?? 0) || 0), 0);
      statements.push(d1.prepare('update sqlite_sequence set seq = ? where name = ?').bind(maxId, table));
    }
    await d1.batch(statements);
  }
}

/** The health authority's import file: the record of downgrades that lives outside D1. */
async function importDowngrades(h: Harness, holders: Enrolled[]): Promise<void> {
  const csv = ['idNumber,color,reason', ...holders.map((x) => `${x.idNumber},red,close contact`)].join('\n');
  const { status, body } = await h.json('POST', '/v1/admin/holders/import', { body: csv, contentType: 'text/csv', token: operatorToken() });
  expect([status, body.rejected]).toEqual([200, []]);
}

describe('drill: the issuer database is restored to an earlier point', () => {
  it('no downgraded holder passes anywhere once the procedure has run', async () => {
    const h = harness(T0 + 40 * 86400); // clear of every other test's entries
    const [x, y, z] = [await enrol(h), await enrol(h), await enrol(h)];
    const early = new Verifier();
    const busy = new Verifier(); // polls often: it will be at the head when the restore happens
    await early.sync(h);

    const backup = await backupD1(); // the restore point
    h.clock.t += 600;
    await importDowngrades(h, [x, y]);
    h.clock.t += 60;
    await early.sync(h);
    await busy.sync(h);
    expect(await early.passes(x.token, h.clock.t)).toBe(false);
    const heldSeq = early.revocations!.state.seq;

    // The restore: x and y are green again on the issuer, and the sequence goes back.
    h.clock.t += 3600;
    await restoreD1(backup);
    const restored = harness(h.clock.t); // a fresh isolate: no cached head

    // A verifier polling now notices (a snapshot below what it holds), keeps x and y, and warns.
    await early.sync(restored);
    expect(early.revocations!.state.seq).toBeLessThan(heldSeq);
    expect(early.revocations!.restoredAt).toBe(restored.clock.t);
    for (const holder of [x, y]) expect(await early.passes(holder.token, restored.clock.t), holder.holderId).toBe(false);

    // The procedure. 1: jump the sequence past everything handed out before the restore, so no
    // new entry gets a number a verifier already holds.
    const jump = await restored.json('POST', '/v1/admin/revocations/sequence-jump', {
      json: { reason: 'D1 restored to the point before the failed migration' },
      token: operatorToken(),
    });
    expect(jump.status).toBe(200);
    expect(jump.body.head).toBeGreaterThan(heldSeq);
    // Life goes on: a new downgrade, the first entry written after the restore.
    restored.clock.t += 60;
    await importDowngrades(restored, [z]);
    // 2: re-run every import made since the restore point, from the authority's files.
    restored.clock.t += 60;
    await importDowngrades(restored, [x, y]);
    restored.clock.t += 60;

    const late = new Verifier(); // first sync after the restore
    for (const v of [early, busy, late]) await v.sync(restored);
    // The busy verifier never saw a snapshot below it, yet it has z: without the jump z would have
    // taken a number at or below the one it holds, and it would never have been sent z.
    expect(await busy.passes(z.token, restored.clock.t)).toBe(false);
    for (const holder of [x, y, z]) {
      const fresh = await restored.json('GET', '/v1/holders/me/token', { token: holder.secret });
      expect(fresh.status).toBe(200);
      for (const token of [holder.token, fresh.body.token as string]) {
        for (const [name, v] of [
          ['early', early],
          ['busy', busy],
          ['late', late],
        ] as const)
          expect(await v.passes(token, restored.clock.t), `${name} ${holder.holderId}`).toBe(false);
      }
    }
  });
});
