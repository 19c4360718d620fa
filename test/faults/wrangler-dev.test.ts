// Against a real `wrangler dev` running the real wrangler.toml: the rate limits as
// configured for production, and a fault: the Worker's whole process group is SIGKILLed in the
// middle of a large import, restarted on the same persisted D1, and the import re-run. Every
// holder must be whole at every point (row, events, audit and revocations telling one story), and
// the end state must equal a clean run of the same file for other people.
//
// The seeded databases (the four wrangler.toml binds) hold two identical populations of green
// holders, A and B, each spread over every database by bucket. A's file is killed mid-way and
// re-run; B's file (the same rows for B's people) runs once, cleanly, on the restarted Worker.
// Then holder k of A must look exactly like holder k of B.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDevProvider, startDevOidcProvider } from '../../scripts/lib/dev-oidc-provider.ts';
import { freeLoopbackPort, type RunningWorker, shardMapOfConfig, startWorker, writeWorkerConfig } from '../../scripts/lib/local-worker.ts';
import { bucketOf, holderIdOf, holderSecret } from '../../scripts/lib/seed/holders.ts';
import { buildImportPlan, type ImportChunk } from '../../scripts/lib/seed/import-plan.ts';
import { newBenchSecrets, workerVars } from '../../scripts/lib/seed/secrets.ts';
import { type SeededD1, seedD1 } from '../../scripts/lib/seed/seeded-d1.ts';
import { eachLocalD1, feedDisagreementsIn, localD1Files, shapeOf, storiesIn, sumOverD1 } from './d1-file.ts';

// Three requests per file, so one can be cut off in the middle with one done before it.
const POPULATION = 4_000;
const ROWS = 4_000;
const PER_REQUEST = 1_400;

let dir: string;
let seeded: SeededD1;
let config: string;
let worker: RunningWorker | undefined;
let provider: RunningDevProvider | undefined;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tricolor-faults-'));
  seeded = await seedD1(dir, { holders: 2 * POPULATION, red: 0, yellow: 0 }, newBenchSecrets());
  // The real wrangler.toml (production rate limits, the real entry point), with this run's secrets.
  // Sign-in needs a provider: the dev one, on loopback beside it.
  port = await freeLoopbackPort();
  const client = {
    clientId: 'tricolor-faults',
    clientSecret: randomBytes(32).toString('base64url'),
    redirectUris: [`http://127.0.0.1:${port}/v1/auth/callback`],
  };
  provider = await startDevOidcProvider({ port: 0, clients: [client] });
  const identity = {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: client.clientId,
    OIDC_CLIENT_SECRET: client.clientSecret,
    OIDC_REDIRECT_URI: client.redirectUris[0]!,
    OIDC_ID_TOKEN_ALG: 'ES256',
  };
  config = writeWorkerConfig({ dir: join(dir, 'config'), vars: { ...(await workerVars(seeded.secrets)), ...identity } });
  worker = await startWorker(config, seeded.persist, { port });
});

afterAll(async () => {
  await worker?.stop();
  await provider?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function postImport(w: RunningWorker, chunk: ImportChunk) {
  const res = await fetch(`${w.baseUrl}/v1/admin/holders/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${seeded.secrets.operatorToken}`, 'content-type': 'text/csv' },
    body: chunk.csv,
    signal: AbortSignal.timeout(120_000),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { applied: number; unchanged: number; pending: number; rejected: unknown[] };
}

function importedEvents(persist: string): number {
  return sumOverD1(persist, "select count(*) as n from status_events where source = 'import'");
}

/** Miniflare counts in fixed windows aligned to the wall clock: keep a burst inside one. */
async function awayFromMinuteEdge(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 55_000) await new Promise((r) => setTimeout(r, 60_000 - into + 200));
}

describe('the seeded holders, on the four databases of wrangler.toml', () => {
  it('are spread over every database, and the Worker finds a holder of each by its secret alone', async () => {
    const holdersPer = eachLocalD1(seeded.persist, (db) => (db.prepare('select count(*) as n from holders').get() as { n: number }).n);
    expect(localD1Files(seeded.persist)).toHaveLength(4);
    expect(holdersPer.every((n) => n > POPULATION / 4)).toBe(true);
    expect(holdersPer.reduce((a, b) => a + b, 0)).toBe(2 * POPULATION);
    // wrangler.toml maps buckets 0-255, 256-511, 512-767, 768-1023 to its four databases.
    const map = shardMapOfConfig(config);
    for (const shard of [0, 1, 2, 3]) {
      const i = Array.from({ length: 100 }, (_, k) => 100 + k).find((k) => map.shardOfBucket[bucketOf(seeded.secrets, k)] === shard)!;
      const res = await fetch(`${worker!.baseUrl}/v1/holders/me/token`, {
        headers: { authorization: `Bearer ${holderSecret(seeded.secrets, i)}` },
      });
      expect([shard, res.status]).toEqual([shard, 200]);
      await res.body?.cancel();
    }
  });
});

describe('the rate limits of wrangler.toml, in local dev', () => {
  it('answer the 61st sign-in start from one address within a minute with 429 and Retry-After, and serve another address', async () => {
    await awayFromMinuteEdge();
    const start = async (address: string) => {
      const res = await fetch(`${worker!.baseUrl}/v1/auth/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': address },
        body: '',
        redirect: 'manual',
      });
      await res.body?.cancel();
      return res;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await start('198.51.100.7')).status);
    expect(statuses.slice(0, 60).every((s) => s === 303)).toBe(true);
    const refused = await start('198.51.100.7');
    expect([statuses[60], refused.status, refused.headers.get('retry-after')]).toEqual([429, 429, '60']);
    expect((await start('198.51.100.8')).status).toBe(303);
  });

  it('answer the 21st failed holder authentication from one address with 429, and still serve a real holder', async () => {
    await awayFromMinuteEdge();
    const bogus = () =>
      fetch(`${worker!.baseUrl}/v1/holders/me/token`, {
        headers: { authorization: `Bearer ${randomBytes(32).toString('base64url')}`, 'cf-connecting-ip': '198.51.100.9' },
      });
    const statuses: number[] = [];
    for (let n = 0; n < 21; n++) statuses.push((await bogus()).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    const real = await fetch(`${worker!.baseUrl}/v1/holders/me/token`, {
      headers: { authorization: `Bearer ${holderSecret(seeded.secrets, 2)}`, 'cf-connecting-ip': '198.51.100.9' },
    });
    expect(real.status).toBe(200);
  });

  it('answer the 31st token fetch by one holder within a minute with 429, and serve another holder', async () => {
    await awayFromMinuteEdge();
    const fetchToken = (i: number) =>
      fetch(`${worker!.baseUrl}/v1/holders/me/token`, { headers: { authorization: `Bearer ${holderSecret(seeded.secrets, i)}` } });
    const statuses: number[] = [];
    for (let n = 0; n < 31; n++) statuses.push((await fetchToken(0)).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect((await fetchToken(1)).status).toBe(200);
  });
});

describe('a Worker killed mid-import', () => {
  it('leaves no holder half-changed, and after a restart and a re-run ends exactly where a clean run ends', async () => {
    const planA = buildImportPlan(seeded.plan, ROWS, { offset: 0, size: POPULATION, tag: 'UA', maxRowsPerRequest: PER_REQUEST });
    const planB = buildImportPlan(seeded.plan, ROWS, { offset: POPULATION, size: POPULATION, tag: 'UB', maxRowsPerRequest: PER_REQUEST });
    expect(planA.chunks).toHaveLength(3);

    // The first request of A completes; the second is cut off by SIGKILL once it has visibly
    // started writing (read from the D1 file while the Worker writes), long before it can finish.
    const first = await postImport(worker!, planA.chunks[0]!);
    expect(first.applied).toBe(planA.chunks[0]!.expected.applied);
    const inFlight = postImport(worker!, planA.chunks[1]!).then(
      () => 'finished',
      () => 'cut off',
    );
    const target = first.applied + Math.floor(planA.chunks[1]!.expected.applied / 2);
    const deadline = Date.now() + 60_000;
    while (importedEvents(seeded.persist) < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await worker!.kill();
    expect(await inFlight).toBe('cut off');

    // Whatever committed is whole: readStories throws on any half-changed holder. Nothing runs
    // now, so this connection may recover the WAL, as the restarted Worker would.
    const afterKill = storiesIn(seeded.persist, { readOnly: false });
    const idOf = (i: number) => holderIdOf(seeded.secrets, i);
    const killedChunk = planA.chunks[1]!.downgrades.map((d) => idOf(d.holder));
    const doneInKilledChunk = killedChunk.filter((id) => afterKill.get(id)!.events.length > 1).length;
    // Really mid-import: some of the second request's holders were changed, not all.
    if (process.env.FAULTS_VERBOSE)
      console.log(`killed after ${doneInKilledChunk} of ${killedChunk.length} downgrades in the second request`);
    expect(doneInKilledChunk).toBeGreaterThan(0);
    expect(doneInKilledChunk).toBeLessThan(killedChunk.length);
    // The console's colour counters committed with the very writes they count, so the kill left
    // each database's agreeing with its holders table (worker/db/counters.ts).
    expect(colorCounters(seeded.persist)).toEqual(colorsInTable(seeded.persist));

    // Restart on the same persisted D1 and re-run the whole file; then B's file, once, cleanly.
    worker = await startWorker(config, seeded.persist);
    let rerunApplied = 0;
    for (const [i, chunk] of planA.chunks.entries()) {
      const report = await postImport(worker, chunk);
      expect(report.applied + report.unchanged + report.pending + report.rejected.length).toBe(chunk.rows);
      expect(report.applied + report.unchanged).toBe(chunk.expected.applied + chunk.expected.unchanged);
      if (i === 0) expect(report.applied).toBe(0);
      rerunApplied += report.applied;
    }
    // Each downgrade happened exactly once across the three runs.
    expect(first.applied + doneInKilledChunk + rerunApplied).toBe(planA.chunks.reduce((n, c) => n + c.expected.applied, 0));
    for (const chunk of planB.chunks)
      expect(await postImport(worker, chunk)).toMatchObject({
        applied: chunk.expected.applied,
        unchanged: chunk.expected.unchanged,
        pending: chunk.expected.pending,
      });
    await worker.stop();
    worker = undefined;

    const stories = storiesIn(seeded.persist, { readOnly: false });
    const mismatched: number[] = [];
    for (let k = 0; k < POPULATION; k++) {
      const [a, b] = [stories.get(idOf(k))!, stories.get(idOf(POPULATION + k))!];
      if (JSON.stringify(shapeOf(a)) !== JSON.stringify(shapeOf(b))) mismatched.push(k);
    }
    expect(mismatched).toEqual([]);
    // And the file did what it says: every downgraded holder changed once, nobody else did.
    const downgraded = new Set(planA.chunks.flatMap((c) => c.downgrades.map((d) => idOf(d.holder))));
    for (let k = 0; k < POPULATION; k++) {
      const a = stories.get(idOf(k))!;
      expect(a.events.length).toBe(downgraded.has(a.id) ? 2 : 1);
    }
    // Every downgrade, the killed run's included, reached the one feed exactly once: the outbox
    // rows the kill left behind were forwarded by the restarted Worker (worker/feed/forward.ts).
    expect(feedDisagreementsIn(seeded.persist)).toEqual([]);
  });
});

/** Per database, its own colour counters (each database counts its own holders). */
function colorCounters(persist: string): Record<string, number>[] {
  return eachLocalD1(persist, (db) => {
    const out: Record<string, number> = { green: 0, red: 0, yellow: 0 };
    for (const r of db.prepare('select color, holders as n from color_counts').all() as { color: string; n: number }[]) out[r.color] = r.n;
    return out;
  });
}

function colorsInTable(persist: string): Record<string, number>[] {
  return eachLocalD1(persist, (db) => {
    const out: Record<string, number> = { green: 0, red: 0, yellow: 0 };
    for (const r of db.prepare('select color, count(*) as n from holders group by color').all() as { color: string; n: number }[])
      out[r.color] = r.n;
    return out;
  });
}
