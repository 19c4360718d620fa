// Edge figures (docs/performance.md, Edge) on a local workerd (`wrangler dev`) holding 100 000 enrolled holders:
// token issuance against /healthz on the same Worker, interleaved; enrolment; feed polling with a
// matching If-None-Match (304, and whether D1 was touched, on any of the databases). The feed's
// sizes are measured after the import section's real downgrades (./import.ts). Load comes from
// autocannon on loopback, bounded in time and connections.
import os from 'node:os';
import { signInDevIdentity } from '../scripts/lib/dev-sign-in.ts';
import { holderSecret } from '../scripts/lib/seed/holders.ts';
import { benchKeys } from '../scripts/lib/seed/secrets.ts';
import type { SeededWorker } from '../scripts/lib/seed/seeded-d1.ts';
import { applyRevocationFeed, verifyRevocationFeed } from '../src/index.ts';
import { describeStatuses, interleaveLoads, type LoadResult, type LoadSpec, roundRatio, runLoad, summarise } from './lib/load.ts';
import { sharedSeededWorker } from './lib/shared-worker.ts';
import type { Figure } from './report.ts';

const SECTION = 'Edge: local workerd (wrangler dev), 100 k holders in D1';
const CONNECTIONS = 16;
const D1_HEADER = 'tricolor-bench-d1-calls';
const STATEMENTS_HEADER = 'tricolor-bench-d1-statements';
const log = (line: string) => console.log(`bench:   ${line}`);

function headerOf(headers: Record<string, string> | string[] | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  // autocannon hands raw headers as a flat [name, value, ...] list or as an object, by version.
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (headers[i]!.toLowerCase() === name) return headers[i + 1];
    return undefined;
  }
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** Counts D1 calls reported by the bench entry (bench/lib/workerd/counting-entry.ts). */
function d1Tally() {
  const t = { responses: 0, calls: 0, statements: 0, touched: 0, missing: 0 };
  const onResponse = (_status: number, _body: string, _context: Record<string, unknown>, headers: Record<string, string>) => {
    const value = headerOf(headers, D1_HEADER);
    if (value === undefined) return void t.missing++;
    const n = Number(value);
    t.responses++;
    t.calls += n;
    t.statements += Number(headerOf(headers, STATEMENTS_HEADER) ?? 0);
    if (n > 0) t.touched++;
  };
  return { t, onResponse };
}

function assertNoThrottle(results: LoadResult[], what: string): void {
  const throttled = results.reduce((n, r) => n + (r.statuses['429'] ?? 0), 0);
  if (throttled > 0) throw new Error(`${what}: ${throttled} answers were 429; the bench limits did not apply`);
}

export async function benchEdge(quick: boolean): Promise<Figure[]> {
  const run = await sharedSeededWorker(log);
  const figures: Figure[] = [];
  // Five short interleaved rounds hold the median steadier on a shared machine than three long ones.
  const rounds = quick ? 2 : 5;
  const seconds = quick ? 2 : 4;
  figures.push(...(await issuance(run, rounds, seconds)));
  figures.push(await enrolment(run, quick ? 2 : 5));
  figures.push(...(await feedPolling(run, quick ? 3 : 11)));
  return figures;
}

async function issuance(run: SeededWorker, rounds: number, seconds: number): Promise<Figure[]> {
  const { baseUrl } = run.worker;
  const n = run.seeded.plan.holders;
  log(`deriving ${n.toLocaleString('en')} holder secrets ...`);
  const secrets = Array.from({ length: n }, (_, i) => holderSecret(run.seeded.secrets, i));
  // Walks every holder once before repeating one (7919 is prime, so coprime to n unless n is a multiple).
  const step = n % 7919 === 0 ? 7907 : 7919;
  let k = Math.floor(Math.random() * n);
  const fetched = new Set<number>();
  const tally = d1Tally();
  const distinctHolders = (extra: Record<string, string> = {}, onResponse?: typeof tally.onResponse): LoadSpec => ({
    baseUrl,
    connections: CONNECTIONS,
    seconds,
    request: {
      method: 'GET',
      path: '/v1/holders/me/token',
      setupRequest: (req) => {
        k = (k + step) % n;
        fetched.add(k);
        return { ...req, headers: { ...req.headers, ...extra, authorization: `Bearer ${secrets[k]}` } };
      },
      ...(onResponse ? { onResponse } : {}),
    },
  });
  const token = distinctHolders({}, tally.onResponse);
  // Diagnostics, to say what limits the figure: the same route without the rate-limit binding
  // (bench/lib/workerd/counting-entry.ts), and one green holder over and over (an LRU hit: no signing).
  const tokenNoLimiter = distinctHolders({ 'tricolor-bench-variant': 'no-rate-limit' });
  const oneHolder: LoadSpec = {
    baseUrl,
    connections: CONNECTIONS,
    seconds,
    request: { method: 'GET', path: '/v1/holders/me/token', headers: { authorization: `Bearer ${secrets[n - 1]}` } },
  };
  const healthz: LoadSpec = { baseUrl, connections: CONNECTIONS, seconds, request: { method: 'GET', path: '/healthz' } };
  log('warming up ...');
  for (const spec of [healthz, token, tokenNoLimiter, oneHolder]) await runLoad({ ...spec, seconds: 1 });
  fetched.clear();
  Object.assign(tally.t, { responses: 0, calls: 0, statements: 0, touched: 0, missing: 0 });
  log(
    `issuance: ${rounds} rounds of ${seconds} s each: /healthz, token fetch, and two diagnostic variants, interleaved, ${CONNECTIONS} connections ...`,
  );
  const r = await interleaveLoads(
    {
      healthz: () => runLoad(healthz),
      token: () => runLoad(token),
      noLimiter: () => runLoad(tokenNoLimiter),
      oneHolder: () => runLoad(oneHolder),
    },
    rounds,
  );
  for (const [name, results] of Object.entries(r)) assertNoThrottle(results, name);
  const ratio = roundRatio(r.token, r.healthz);
  const [tok, base] = [summarise(r.token), summarise(r.healthz)];
  const non200 = r.token.reduce((sum, x) => sum + x.completed - (x.statuses['200'] ?? 0) + x.errors, 0);
  const d1PerToken = tally.t.responses ? tally.t.statements / tally.t.responses : NaN;
  // Latency without queueing: one connection, one request at a time.
  log('token fetch latency with one connection ...');
  const single = await runLoad({ ...distinctHolders(), connections: 1 });
  assertNoThrottle([single], 'single-connection token fetch');
  const noLimiterRatio = roundRatio(r.noLimiter, r.healthz);
  const oneHolderRatio = roundRatio(r.oneHolder, r.healthz);
  return [
    {
      section: SECTION,
      name: 'Issuance: authenticated GET /v1/holders/me/token ÷ GET /healthz, requests/s',
      value: `${ratio.toFixed(2)} (${Math.round(tok.rps)} vs ${Math.round(base.rps)} req/s)`,
      target: '≥ 0.5',
      met: ratio >= 0.5 && non200 === 0,
      note:
        `${fetched.size.toLocaleString('en')} distinct holders, each fetched at most once (a walk through all ${n.toLocaleString('en')}), so nearly every fetch signs a new token (the per-isolate LRU holds 10 000); ` +
        `${d1PerToken.toFixed(2)} D1 statements per fetch (the holder; red and yellow holders also their check-ins); answers: ${describeStatuses(r.token)}${non200 ? ` (${non200} not 200)` : ''}. ` +
        `Median of ${rounds} interleaved rounds of ${seconds} s at ${CONNECTIONS} connections; autocannon, wrangler's proxy, workerd and its D1 and rate-limit Durable Objects share ${os.cpus().length} cores.`,
      raw: { ratio, token: r.token, healthz: r.healthz, distinctHolders: fetched.size, d1StatementsPerFetch: d1PerToken },
    },
    {
      section: SECTION,
      name: 'Token fetch latency p50 / p99, one connection',
      value: `${single.p50Ms} / ${single.p99Ms} ms (${Math.round(single.requestsPerSecond)} req/s)`,
      note: `one request at a time, distinct holders as above, so no queueing: the cost of one fetch end to end through wrangler dev; answers: ${describeStatuses([single])}`,
      raw: { single },
    },
    {
      section: SECTION,
      name: 'Token fetch latency p50 / p99 at saturation',
      value: `${tok.p50Ms} / ${tok.p99Ms} ms (/healthz: ${base.p50Ms} / ${base.p99Ms} ms)`,
      note: `closed loop, ${CONNECTIONS} connections sending back to back: mostly queueing at full throughput`,
      raw: { token: tok, healthz: base },
    },
    {
      section: SECTION,
      name: 'Diagnostic: token fetch ÷ /healthz without the rate-limit binding',
      value: `${noLimiterRatio.toFixed(2)} (${Math.round(summarise(r.noLimiter).rps)} req/s)`,
      note: 'same walk over distinct holders; locally each limit() is a Durable Object call and a SQLite write (Miniflare), in production a lookup cached in the colo',
      raw: { ratio: noLimiterRatio, results: r.noLimiter },
    },
    {
      section: SECTION,
      name: 'Diagnostic: token fetch ÷ /healthz for one holder (LRU hit, no signature)',
      value: `${oneHolderRatio.toFixed(2)} (${Math.round(summarise(r.oneHolder).rps)} req/s)`,
      note: 'with the rate-limit binding; what remains is routing, the secret hash, one D1 read and the limiter',
      raw: { ratio: oneHolderRatio, results: r.oneHolder },
    },
  ];
}

/**
 * Enrolment is a sign-in now (docs/identity.md): the Worker's start, the dev provider's sign-in,
 * the callback (code exchange, ID token verified against the JWKS, the holder written) and the
 * first token fetch. Timed as whole sign-ins from CONNECTIONS parallel clients; the dev provider
 * runs in this Node process, so the figure is a floor for the Worker's share, not a target.
 */
async function enrolment(run: SeededWorker, seconds: number): Promise<Figure> {
  const { baseUrl } = run.worker;
  const prefix = `gen-b${Date.now().toString(36)}`;
  let next = 0;
  let failed = 0;
  const latencies: number[] = [];
  log(`enrolment: ${seconds} s of sign-ins of new dev identities from ${CONNECTIONS} clients ...`);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const i = next++;
        const t0 = performance.now();
        try {
          const secret = await signInDevIdentity(fetch, baseUrl, `${prefix}-${i}`, {
            symptoms: false,
            contactWithCase: i % 50 === 0,
            fromHighRiskArea: i % 20 === 0,
          });
          const res = await fetch(`${baseUrl}/v1/holders/me/token`, { headers: { authorization: `Bearer ${secret}` } });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(String(res.status));
          latencies.push(performance.now() - t0);
        } catch {
          failed++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  if (failed > 0) throw new Error(`enrolment: ${failed} sign-ins failed`);
  return {
    section: SECTION,
    name: 'Enrolment: complete sign-ins (start, dev provider, callback, first token) per second',
    value: `${(latencies.length / elapsed).toFixed(1)} /s, p50 / p99 ${at(0.5)} / ${at(0.99)} ms`,
    note: `each a new holder through the real OIDC code flow against the in-process dev provider; ${latencies.length.toLocaleString('en')} holders created, ${CONNECTIONS} clients`,
    raw: { signIns: latencies.length, seconds: elapsed, p50Ms: at(0.5), p99Ms: at(0.99) },
  };
}

async function feedPolling(run: SeededWorker, pollSeconds: number): Promise<Figure[]> {
  const { baseUrl } = run.worker;
  const figures: Figure[] = [];
  // The poll figures need a head to poll; the snapshot's size is measured after real downgrades
  // (the import section) and in the privacy section: the seed writes the seeded downgrades'
  // feed rows but not their window indices, which only the Worker derives.
  const snapshot = await fetchVerifiedFeed(run, 0);

  const etag = snapshot.etag;
  const since = etag.replace(/^"rv-(\d+)"$/, '$1');
  const tally = d1Tally();
  const poll: LoadSpec = {
    baseUrl,
    connections: CONNECTIONS,
    seconds: pollSeconds,
    request: { method: 'GET', path: `/v1/revocations?since=${since}`, headers: { 'if-none-match': etag }, onResponse: tally.onResponse },
  };
  const healthz: LoadSpec = { baseUrl, connections: CONNECTIONS, seconds: pollSeconds, request: { method: 'GET', path: '/healthz' } };
  log(`feed polling: ${pollSeconds} s of polls with If-None-Match ${etag}, then /healthz ...`);
  const r = await interleaveLoads({ healthz: () => runLoad(healthz), poll: () => runLoad(poll) }, 1);
  const polls = r.poll[0]!;
  const all304 = (polls.statuses['304'] ?? 0) === polls.completed && polls.completed > 0 && tally.t.missing === 0;
  // The head is cached for 5 s per isolate: at most one D1 read per 5 s window, plus the first.
  const allowedTouches = Math.ceil(polls.seconds / 5) + 1;
  figures.push({
    section: SECTION,
    name: 'Feed polling: GET /v1/revocations with a matching If-None-Match',
    value: `${polls.completed.toLocaleString('en')} polls, ${all304 ? 'all 304' : `NOT all 304 (${describeStatuses([polls])})`}; ${tally.t.touched} touched D1 (${tally.t.calls} calls, ${tally.t.statements} statements), ${(tally.t.responses - tally.t.touched).toLocaleString('en')} made no D1 call; ${Math.round(polls.requestsPerSecond)} req/s = ${roundRatio(r.poll, r.healthz).toFixed(2)} × /healthz`,
    target: '304 without touching D1',
    met: all304 && tally.t.touched <= allowedTouches,
    note: `D1 calls counted per response by the bench entry (Tricolor-Bench-D1-Calls). The polls that touched D1 are the head refreshes: the isolate re-reads the newest sequence number once its 5 s cache lapses, one read shared by the polls in flight (docs/revocation-feed.md), so at most ${allowedTouches} in ${polls.seconds.toFixed(0)} s`,
    raw: { poll: r.poll, healthz: r.healthz, d1: tally.t, allowedTouches },
  });
  return figures;
}

export interface ServedFeed {
  bytes: number;
  entries: number;
  kind: string;
  etag: string;
  fromSeq: number;
  toSeq: number;
}

/** GET /v1/revocations?since=…, verified with the bench's signing key as a verifier would. */
export async function fetchVerifiedFeed(run: SeededWorker, since: number): Promise<ServedFeed> {
  const res = await fetch(`${run.worker.baseUrl}/v1/revocations?since=${since}`);
  if (res.status !== 200) throw new Error(`feed since=${since}: ${res.status} ${await res.text()}`);
  const body = new Uint8Array(await res.arrayBuffer());
  const { signing } = await benchKeys(run.seeded.secrets);
  const now = Math.floor(Date.now() / 1000);
  const verified = await verifyRevocationFeed(body, {
    keys: [{ kid: signing.kid, publicKey: signing.publicKey, state: 'active', validFrom: run.seeded.plan.t0 - 86400 }],
    now,
  });
  if (!verified.ok) throw new Error(`the served feed does not verify: ${verified.reason} ${verified.detail}`);
  if (verified.feed.kind === 'snapshot') {
    const applied = applyRevocationFeed(undefined, verified.feed, now);
    if (!applied.ok) throw new Error(`the served snapshot does not apply: ${applied.reason}`);
  }
  return {
    bytes: body.length,
    // Version 2 feeds list window indices: the count is of indices, one per live window per downgrade.
    entries: verified.feed.pieces.reduce((n, p) => n + p.indices.length, 0),
    kind: verified.feed.kind,
    etag: res.headers.get('etag') ?? '',
    fromSeq: verified.feed.fromSeq,
    toSeq: verified.feed.toSeq,
  };
}

/** A snapshot's size per downgraded holder (each lists one window index per live window). */
export function snapshotFigure(section: string, bytes: number, downgraded: number, indices: number): Figure {
  const perHolder = bytes / downgraded;
  return {
    section,
    name: `Feed snapshot served by the Worker, ${downgraded.toLocaleString('en')} downgraded holders (${indices.toLocaleString('en')} window indices)`,
    value: `${bytes.toLocaleString('en')} B = ${perHolder.toFixed(2)} B per downgraded holder`,
    target: '< 10 B per downgraded holder',
    met: perHolder < 10,
    note: 'GET /v1/revocations?since=0 built from D1 by the Worker; signature verified and snapshot applied with src/ as a verifier would',
    raw: { bytes, downgraded, indices },
  };
}
