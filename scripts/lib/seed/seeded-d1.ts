// A local D1 holding N enrolled holders, cached under bench/.cache (git-ignored) so that only the
// first run pays for seeding. Each run copies the cached state to a temporary directory, moves its
// times to now, and starts a Worker on the copy, so runs never disturb one another or the cache.
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningDevProvider, startDevOidcProvider } from '../dev-oidc-provider.ts';
import {
  applyMigrations,
  freeLoopbackPort,
  REPO_ROOT,
  type RunningWorker,
  shardMapOfConfig,
  startWorker,
  wranglerD1,
  writeWorkerConfig,
} from '../local-worker.ts';
import { rebaseSql, type SeedPlan, writeSeedSql } from './plan.ts';
import { type BenchSecrets, loadBenchSecrets, newBenchSecrets, saveBenchSecrets, workerVars } from './secrets.ts';

/** Bump when the seed's content changes, so old caches are not reused. */
const SEED_FORMAT = 7;
const CACHE_ROOT = join(REPO_ROOT, 'bench', '.cache');

export interface SeededD1 {
  plan: SeedPlan;
  secrets: BenchSecrets;
  /** The cached persist directory (read-only: runs use a copy). */
  persist: string;
  /** Seconds the seeding took when the cache was made. */
  seedSeconds: number;
  reused: boolean;
  /** The SHARD_MAP the holders were placed by, when not wrangler.toml's; every run must use it. */
  shardMap?: string;
}

export interface SeedOptions {
  /** SHARD_MAP instead of wrangler.toml's (e.g. "DB:0-1023": every holder in the home database). */
  shardMap?: string;
}

function migrationsDigest(): string {
  const dir = join(REPO_ROOT, 'worker', 'migrations');
  const hash = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    hash.update(f).update(readFileSync(join(dir, f)));
  return hash.digest('hex').slice(0, 12);
}

export async function ensureSeededD1(shape: Omit<SeedPlan, 't0'>, log: (line: string) => void, o: SeedOptions = {}): Promise<SeededD1> {
  const layout = createHash('sha256')
    .update(o.shardMap ?? 'wrangler.toml')
    .update(readFileSync(join(REPO_ROOT, 'wrangler.toml')))
    .digest('hex')
    .slice(0, 8);
  const key = `d1-v${SEED_FORMAT}-${shape.holders}-${shape.red}-${shape.yellow}-${shape.checkinDays ?? 0}-${layout}-${migrationsDigest()}`;
  const dir = join(CACHE_ROOT, key);
  const manifest = join(dir, 'manifest.json');
  if (existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { plan: SeedPlan; seedSeconds: number };
    return {
      ...o,
      plan: m.plan,
      seedSeconds: m.seedSeconds,
      secrets: loadBenchSecrets(join(dir, 'secrets.json')),
      persist: join(dir, 'persist'),
      reused: true,
    };
  }
  mkdirSync(CACHE_ROOT, { recursive: true });
  const work = mkdtempSync(join(CACHE_ROOT, 'seeding-'));
  try {
    log(`seeding a local D1 with ${shape.holders.toLocaleString('en')} holders (first run only; cached in bench/.cache) ...`);
    const made = await seedD1(work, shape, newBenchSecrets(), o);
    log(`seeded in ${made.seedSeconds.toFixed(1)} s`);
    writeFileSync(join(work, 'manifest.json'), JSON.stringify({ plan: made.plan, seedSeconds: made.seedSeconds }, null, 2));
    renameSync(work, dir);
    return { ...made, persist: join(dir, 'persist') };
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Copies into `persist` an empty local D1 with every migration applied to every database of
 * `config`. Applying them costs one wrangler start per database (seconds each), so it is done once
 * per set of migrations and databases and kept under bench/.cache. The key covers the migrations
 * and the [[d1_databases]] tables, whose database_id names each SQLite file.
 */
function migratedDatabases(config: string, persist: string): void {
  const toml = readFileSync(config, 'utf8');
  const databases = toml
    .split(/^\[\[d1_databases\]\]\s*$/m)
    .slice(1)
    .map((block) => block.split(/^\[/m)[0]);
  const layout = createHash('sha256').update(JSON.stringify(databases)).digest('hex').slice(0, 8);
  const dir = join(CACHE_ROOT, `migrated-${migrationsDigest()}-${layout}`);
  if (!existsSync(dir)) {
    mkdirSync(CACHE_ROOT, { recursive: true });
    const work = mkdtempSync(join(CACHE_ROOT, 'migrating-'));
    try {
      applyMigrations(config, join(work, 'persist'));
      renameSync(work, dir);
    } catch (e) {
      rmSync(work, { recursive: true, force: true });
      // Another run made the same template at the same time: use theirs.
      if (!existsSync(dir)) throw e;
    }
  }
  cpSync(join(dir, 'persist'), persist, { recursive: true });
}

/**
 * Seeds `<dir>/persist` (migrations on every database, then each database's generated SQL on its
 * own binding) and keeps the secrets in `<dir>/secrets.json`. Holders go where the config's
 * SHARD_MAP puts their bucket, so the Worker started on the same map finds every one.
 */
export async function seedD1(dir: string, shape: Omit<SeedPlan, 't0'>, secrets: BenchSecrets, o: SeedOptions = {}): Promise<SeededD1> {
  const plan: SeedPlan = { ...shape, t0: Math.floor(Date.now() / 1000) };
  saveBenchSecrets(join(dir, 'secrets.json'), secrets);
  const configDir = join(dir, 'seed-config');
  const config = writeWorkerConfig({ dir: configDir, vars: await workerVars(secrets), shardMap: o.shardMap });
  const persist = join(dir, 'persist');
  const started = performance.now();
  migratedDatabases(config, persist);
  const files = await writeSeedSql(configDir, secrets, plan, shardMapOfConfig(config));
  // Each database's SQL on its own binding, one after another (see applyMigrations).
  for (const [binding, file] of files) {
    wranglerD1(config, persist, ['execute', binding, '--file', file, '--yes']);
    rmSync(file);
  }
  rmSync(configDir, { recursive: true, force: true });
  return { ...o, plan, secrets, persist, seedSeconds: (performance.now() - started) / 1000, reused: false };
}

export interface SeededWorker {
  worker: RunningWorker;
  /** The dev OpenID provider the Worker trusts (sign-in, bench/edge.ts enrolment). */
  provider: RunningDevProvider;
  seeded: SeededD1;
  /** Seconds added to every seeded time (the copy's times are as if seeded just now). */
  rebasedBy: number;
  config: string;
  runDir: string;
  stop(): Promise<void>;
}

export interface RunOptions {
  main?: string;
  rateLimits?: Record<string, number>;
}

/** Copies the cached state, rebases its times to now, and starts a Worker on the copy. */
export async function startSeededWorker(seeded: SeededD1, o: RunOptions, log: (line: string) => void): Promise<SeededWorker> {
  const runDir = mkdtempSync(join(tmpdir(), 'tricolor-bench-'));
  const port = await freeLoopbackPort();
  const client = {
    clientId: 'tricolor-bench',
    clientSecret: randomBytes(32).toString('base64url'),
    redirectUris: [`http://127.0.0.1:${port}/v1/auth/callback`],
  };
  const provider = await startDevOidcProvider({ port: 0, clients: [client] });
  try {
    const persist = join(runDir, 'persist');
    cpSync(seeded.persist, persist, { recursive: true });
    const config = writeWorkerConfig({
      dir: join(runDir, 'config'),
      vars: {
        ...(await workerVars(seeded.secrets)),
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: client.clientId,
        OIDC_CLIENT_SECRET: client.clientSecret,
        OIDC_REDIRECT_URI: client.redirectUris[0]!,
        OIDC_ID_TOKEN_ALG: 'ES256',
      },
      main: o.main,
      rateLimits: o.rateLimits,
      shardMap: seeded.shardMap,
    });
    const rebasedBy = Math.floor(Date.now() / 1000) - seeded.plan.t0;
    const rebase = join(runDir, 'rebase.sql');
    writeFileSync(rebase, rebaseSql(rebasedBy));
    for (const binding of shardMapOfConfig(config).bindings) wranglerD1(config, persist, ['execute', binding, '--file', rebase, '--yes']);
    log('starting wrangler dev on a copy of the seeded D1 ...');
    const worker = await startWorker(config, persist, { port });
    return {
      worker,
      provider,
      seeded,
      rebasedBy,
      config,
      runDir,
      async stop() {
        await worker.stop();
        await provider.close();
        rmSync(runDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await provider.close();
    rmSync(runDir, { recursive: true, force: true });
    throw e;
  }
}
