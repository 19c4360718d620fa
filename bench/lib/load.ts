// HTTP load with autocannon against a local Worker, bounded in time and connections, loopback
// only, and the interleaved ratio of two loads: subject and baseline alternate round by round so
// that the noise of a shared machine hits both alike (bench/measure.ts does the same for ops).
import autocannon, { type RequestSpec } from 'autocannon';
import { median } from '../measure.ts';

export interface LoadSpec {
  baseUrl: string;
  connections: number;
  seconds: number;
  /** Stop after this many requests instead (`seconds` is then ignored). */
  amount?: number;
  /** One request template; setupRequest can vary each request (holder, body). */
  request: RequestSpec;
}

export interface LoadResult {
  requestsPerSecond: number;
  completed: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  errors: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(spec.baseUrl)) throw new Error(`load only targets loopback, not ${spec.baseUrl}`);
  const result = await autocannon({
    url: spec.baseUrl,
    connections: spec.connections,
    ...(spec.amount === undefined ? { duration: spec.seconds } : { amount: spec.amount }),
    timeout: 10,
    requests: [spec.request],
  });
  const statuses: Record<string, number> = {};
  let completed = 0;
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[status] = Number(count);
    completed += Number(count);
  }
  return {
    requestsPerSecond: completed / result.duration,
    completed,
    seconds: result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses,
    errors: result.errors,
  };
}

/** Runs every load once per round, in the given order, for `rounds` rounds. */
export async function interleaveLoads<K extends string>(
  loads: Record<K, () => Promise<LoadResult>>,
  rounds: number,
): Promise<Record<K, LoadResult[]>> {
  const out = Object.fromEntries(Object.keys(loads).map((k) => [k, [] as LoadResult[]])) as Record<K, LoadResult[]>;
  for (let r = 0; r < rounds; r++) for (const k of Object.keys(loads) as K[]) out[k].push(await loads[k]());
  return out;
}

export interface LoadSummary {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export function summarise(results: LoadResult[]): LoadSummary {
  return {
    rps: median(results.map((x) => x.requestsPerSecond)),
    p50Ms: median(results.map((x) => x.p50Ms)),
    p99Ms: median(results.map((x) => x.p99Ms)),
  };
}

/** The median over rounds of subject ÷ baseline requests/s, each round's pair measured back to back. */
export function roundRatio(subject: LoadResult[], baseline: LoadResult[]): number {
  return median(subject.map((s, i) => s.requestsPerSecond / baseline[i]!.requestsPerSecond));
}

/** "200: 5231, 304: 2" */
export function describeStatuses(results: LoadResult[]): string {
  const total: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.statuses)) total[k] = (total[k] ?? 0) + v;
  return Object.entries(total)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}
