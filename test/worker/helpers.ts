// Shared helpers for the Worker tests: an app on a pinned clock, requests through its fetch
// handler (the same path production requests take), and the verifier side (trust list, feed)
// built from src/ exactly as a verifier would, so assertions never trust the Worker's own word.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { gb11643CheckDigit } from '../../scripts/lib/dev-identities.ts';
import {
  applyRevocationFeed,
  fromBase64Url,
  type RevocationFeed,
  type TrustedKey,
  type VerifyResult,
  verifyRevocationFeed,
  verifyToken,
  verifyTrustList,
  type WindowStatusSets,
} from '../../src/index.ts';
import { createApp } from '../../worker/app.ts';
import { configFor } from '../../worker/config.ts';
import type { Db } from '../../worker/db/client.ts';
import { DomainError } from '../../worker/domain-errors.ts';
import { ApiError, apiErrorOf } from '../../worker/errors.ts';
import { parseCuts } from '../../worker/feed/entries.ts';
import { forwardRevocations } from '../../worker/feed/forward.ts';
import type { DomainSources } from '../../worker/feed/window-domains.ts';
import { domainSources, type FeedWriter, requestFeedWriter } from '../../worker/feed/writer.ts';
import { enrol as enrolVerifiedPerson } from '../../worker/holders/enrol.ts';
import { hashIdNumber, maskName } from '../../worker/holders/identity.ts';
import { openShards, shardMapFor } from '../../worker/shards/shards.ts';
import { type AppDeps, type AppState, createAppState } from '../../worker/state.ts';
import { statusView } from '../../worker/status/view.ts';
import { activeSigner } from '../../worker/trust/signer.ts';
import { T0 } from './fixtures.ts';

export type TestEnv = typeof env;

export interface Harness {
  app: ReturnType<typeof createApp>;
  /** The app's caches (feed head, tokens, provider metadata), for helpers that act beside it. */
  state: AppState;
  clock: { t: number };
  /** Sends a request through the app's fetch handler at the pinned time. */
  call(method: string, path: string, options?: CallOptions): Promise<Response>;
  /** Sends a Request as given (absolute URL on https://issuer.test) through the app. */
  fetch(request: Request): Promise<Response>;
  /** As call, and parses a JSON body. */
  json<T = any>(method: string, path: string, options?: CallOptions): Promise<{ status: number; body: T; res: Response }>;
}

export interface CallOptions {
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  token?: string;
  headers?: Record<string, string>;
  env?: TestEnv;
}

/** Where window domains are read and fixed, as a request of the app would: the home database and every holder database. */
export function testDomainSources(deployment: TestEnv = env): DomainSources {
  return domainSources(configFor(deployment), openShards(deployment));
}

/**
 * The feed writer a request of this harness's app would use. Its entries land in the holder
 * database's outbox; `forwardAll` (or a request through the app) copies them into the feed.
 */
export function testFeedWriter(h: Pick<Harness, 'state'>, onRevocation: () => void = () => {}, deployment: TestEnv = env): FeedWriter {
  return requestFeedWriter(configFor(deployment), h.state, openShards(deployment), onRevocation);
}

/** Copies every holder database's outbox into the feed, as the app does after a request that revoked. */
export async function forwardAll(h: Pick<Harness, 'state'>, deployment: TestEnv = env): Promise<void> {
  const shards = openShards(deployment);
  for (const shard of shards.all) await forwardRevocations(shards.home, shard);
  h.state.feedHead.invalidate();
}

export function harness(start = T0, deps: Omit<AppDeps, 'now'> = {}): Harness {
  const clock = { t: start };
  const state = createAppState({ ...deps, now: () => clock.t });
  const app = createApp({ ...deps, now: () => clock.t }, state);
  const call = async (method: string, path: string, o: CallOptions = {}) => {
    const headers = new Headers(o.headers);
    let body = o.body;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers.set('content-type', 'application/json');
    }
    if (o.contentType) headers.set('content-type', o.contentType);
    if (o.token) headers.set('authorization', `Bearer ${o.token}`);
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`https://issuer.test${path}`, { method, headers, body }), o.env ?? env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  const fetch = async (request: Request) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(request, env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  const json = async (method: string, path: string, o: CallOptions = {}) => {
    const res = await call(method, path, o);
    return { status: res.status, body: (await res.json()) as any, res };
  };
  return { app, state, clock, call, fetch, json };
}

export const operatorToken = (): string => env.TEST_OPERATOR_TOKEN;
export const auditorToken = (): string => env.TEST_AUDITOR_TOKEN;

export const NO_SYMPTOMS = { symptoms: false, contactWithCase: false, fromHighRiskArea: false } as const;

let idCounter = 0;
/**
 * A fresh, valid GB 11643 resident ID number per call (random region and birth date, a serial from
 * a counter, the check digit from scripts/lib/dev-identities.ts, not from the Worker's validator),
 * so tests never share a holder by accident.
 */
export function newIdNumber(): string {
  idCounter++;
  const [a, b] = crypto.getRandomValues(new Uint32Array(2));
  const region = String(100000 + (a! % 900000));
  const year = 1940 + (b! % 66);
  const month = String(1 + ((b! >>> 8) % 12)).padStart(2, '0');
  const day = String(1 + ((b! >>> 16) % 28)).padStart(2, '0');
  const first17 = `${region}${year}${month}${day}${String(idCounter % 1000).padStart(3, '0')}`;
  return first17 + gb11643CheckDigit(first17);
}

export interface Enrolled {
  holderId: string;
  secret: string;
  token: string;
  status: { color: string; since: number; until?: number };
  idNumber: string;
}

/**
 * A holder, as a completed sign-in creates one: the same steps the sign-in callback takes after
 * the provider has spoken (worker/routes/auth.ts): refuse if no token could be signed, then the
 * domain function (worker/holders/enrol.ts) with the person the provider would have verified,
 * then the first token from the app's own issuer. The sign-in flow itself, with the real
 * provider, is tested in test/worker/sign-in.test.ts. Overrides: idNumber, name, birthYear,
 * declaration, and env (a deployment other than the default test env).
 */
export async function enrol(h: Harness, overrides: Record<string, unknown> = {}): Promise<Enrolled> {
  const idNumber = (overrides.idNumber as string | undefined) ?? newIdNumber();
  const deployment = (overrides.env as TestEnv | undefined) ?? env;
  const config = configFor(deployment);
  const shards = openShards(deployment);
  const now = h.clock.t;
  const idHash = await hashIdNumber(config.idHmacKey, idNumber);
  // As the callback does: the person's bucket names the database (worker/shards/).
  const shard = shards.ofIdHash(idHash);
  let active: Awaited<ReturnType<typeof activeSigner>>;
  try {
    active = await activeSigner(() => shards.home, config, h.state.trust, now);
  } catch (thrown) {
    // As the callback would answer it: the HTTP status and the stable code.
    const e = thrown instanceof DomainError ? apiErrorOf(thrown) : thrown;
    if (e instanceof ApiError) throw new Error(`enrolment failed: ${e.status} ${e.code}`);
    throw e;
  }
  let revoked = false;
  const enrolment = await enrolVerifiedPerson(
    shard.db,
    config.policy,
    now,
    config.idHmacKey,
    {
      idHash,
      maskedName: maskName((overrides.name as string | undefined) ?? 'Zhang San'),
      birthYear: (overrides.birthYear as number | undefined) ?? 1990,
      declaration: (overrides.declaration as typeof NO_SYMPTOMS | undefined) ?? NO_SYMPTOMS,
    },
    testFeedWriter(h, () => {
      revoked = true;
    }),
  );
  // As the app's middleware does after a request that revoked: copy the outbox into the feed.
  if (revoked && (await forwardRevocations(shards.home, shard)).forwarded > 0) h.state.feedHead.invalidate();
  const { holder, status } = enrolment;
  const issued = await h.state.tokens.issue(
    {
      issuer: config.issuer,
      maskedName: holder.maskedName,
      birthYear: holder.birthYear,
      status,
      slot: holder.slot!,
      cuts: parseCuts(holder.revocationCuts),
      lifetimeSeconds: config.tokenLifetimeSeconds,
      now,
    },
    active,
    { windowOf: (window) => h.state.windowDomains.windowOf(window, testDomainSources(deployment)) },
  );
  return { holderId: holder.id, secret: enrolment.secret, token: issued.token, status: statusView(status), idNumber };
}

export async function setStatus(h: Harness, holderId: string, color: string, reason = 'flagged by test'): Promise<Response> {
  return h.call('PUT', `/v1/admin/holders/${holderId}/status`, { json: { color, reason }, token: operatorToken() });
}

/** The signing keys a verifier would trust: from GET /v1/trust-list, checked against the test root. */
export async function trustedKeys(h: Harness): Promise<readonly TrustedKey[]> {
  const res = await h.call('GET', '/v1/trust-list');
  if (res.status !== 200) throw new Error(`trust list: ${res.status}`);
  const verified = await verifyTrustList(new Uint8Array(await res.arrayBuffer()), {
    rootPublicKey: fromBase64Url(env.TRUST_ROOT_PUBLIC_KEY),
  });
  if (!verified.ok) throw new Error(`trust list does not verify: ${verified.reason}`);
  return verified.list.keys;
}

/** GET /v1/revocations?since=…, verified with the trust list's keys as a verifier would. */
export async function fetchFeed(h: Harness, since = 0): Promise<{ feed: RevocationFeed; bytes: Uint8Array; res: Response }> {
  const res = await h.call('GET', `/v1/revocations?since=${since}`);
  if (res.status !== 200) throw new Error(`feed: ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const verified = await verifyRevocationFeed(bytes, { keys: await trustedKeys(h), now: h.clock.t });
  if (!verified.ok) throw new Error(`feed does not verify: ${verified.reason} ${verified.detail}`);
  return { feed: verified.feed, bytes, res };
}

/** What a verifier that synced from scratch holds: window → epoch → revoked indices. */
export async function syncedRevocations(h: Harness): Promise<WindowStatusSets> {
  const { feed } = await fetchFeed(h, 0);
  const applied = applyRevocationFeed(undefined, feed, h.clock.t);
  if (!applied.ok) throw new Error(applied.reason);
  return applied.state.sets;
}

export async function verifyAt(h: Harness, token: string, revocations?: WindowStatusSets): Promise<VerifyResult> {
  return verifyToken(token, { keys: await trustedKeys(h), revocations, now: h.clock.t });
}

/** A copy of the env whose D1 binding counts every call that could reach the database. */
export function countingEnv(base: TestEnv = env): { env: TestEnv; calls: () => number } {
  let calls = 0;
  const db = new Proxy(base.DB, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { env: { ...base, DB: db }, calls: () => calls };
}

/** Rows matching `where` in every database (the home database's own tables are empty elsewhere). */
export async function count(table: string, where = '1 = 1', ...params: unknown[]): Promise<number> {
  let n = 0;
  for (const d1 of allDatabases()) {
    const row = await d1
      .prepare(`select count(*) as n from ${table} where ${where}`)
      .bind(...params)
      .first<{ n: number }>();
    n += row!.n;
  }
  return n;
}

/** Every D1 database of the deployment, the home database (DB) first. */
export function allDatabases(deployment: TestEnv = env): D1Database[] {
  return shardMapFor(deployment).bindings.map((name) => deployment[name as 'DB']);
}

/** The binding names of allDatabases, in the same order. */
export function allDatabaseNames(deployment: TestEnv = env): readonly string[] {
  return shardMapFor(deployment).bindings;
}

/** The database that holds this holder (its id names its bucket). */
export function holderDatabase(holderId: string, deployment: TestEnv = env): D1Database {
  return deployment[openShards(deployment).ofHolderId(holderId).name as 'DB'];
}

/** The drizzle handle of this holder's database. */
export function holderDb(holderId: string, deployment: TestEnv = env): Db {
  return openShards(deployment).ofHolderId(holderId).db;
}

/** `sql` run on every database, the rows concatenated (home database first). */
export async function everyDatabase<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  const out: T[] = [];
  for (const d1 of allDatabases())
    out.push(
      ...(
        await d1
          .prepare(sql)
          .bind(...params)
          .all<T>()
      ).results,
    );
  return out;
}
