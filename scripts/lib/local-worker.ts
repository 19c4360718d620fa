// A local issuer Worker (`wrangler dev`, local mode) for tests and the bench: a temporary copy of
// wrangler.toml with absolute paths and its own assets directory (so a fresh clone, with no
// verifier-web/dist, starts too), its own secrets, a free loopback port, and its own process group
// so wrangler and workerd are stopped together. Node only; every child gets the offline env.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { conventionalBindings, evenShardMap, parseShardMap, type ShardMap } from '../../worker/shards/shard-map.ts';
import { applyOfflineEnv } from './offline-env.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
// wrangler's package exports hide bin/, but expose package.json, which sits next to it.
export const WRANGLER_BIN = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');

const childEnv = () => applyOfflineEnv({ ...process.env, CI: 'true', FORCE_COLOR: '0' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits for `p`, but at most `ms`; leaves no timer behind to hold the process open. */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** A port the OS just handed out on 127.0.0.1 (free now; the caller binds it soon after). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface WorkerConfigOptions {
  /** Directory for wrangler.toml (and .dev.vars when `vars` is given); created. */
  dir: string;
  /** Secrets and variables, written to `<dir>/.dev.vars` (mode 0600), where wrangler looks. */
  vars?: Record<string, string>;
  /** The [assets] directory (created if missing); by default an empty `<dir>/assets`. */
  assetsDir?: string;
  /** Entry module instead of wrangler.toml's `main` (absolute path). */
  main?: string;
  /** Replaces the `simple.limit` of each named [[ratelimits]] binding. */
  rateLimits?: Record<string, number>;
  /** Replaces [vars] SHARD_MAP (worker/shards/shard-map.ts), e.g. "DB:0-1023" for one database. */
  shardMap?: string;
}

/** Copies the repository's wrangler.toml into `dir` with absolute paths and the overrides; returns its path. */
export function writeWorkerConfig(o: WorkerConfigOptions): string {
  const assets = resolve(o.assetsDir ?? join(o.dir, 'assets'));
  mkdirSync(assets, { recursive: true });
  let toml = readFileSync(join(REPO_ROOT, 'wrangler.toml'), 'utf8').replace(
    /^(\s*(main|directory|migrations_dir)\s*=\s*)"([^"]+)"/gm,
    (_l, prefix: string, key: string, value: string) => {
      if (key === 'directory') return `${prefix}${JSON.stringify(assets)}`;
      if (key === 'main' && o.main) return `${prefix}${JSON.stringify(o.main)}`;
      return `${prefix}${JSON.stringify(isAbsolute(value) ? value : join(REPO_ROOT, value))}`;
    },
  );
  for (const [name, limit] of Object.entries(o.rateLimits ?? {})) {
    const block = new RegExp(`(name = "${name}"[\\s\\S]*?simple = \\{ limit = )\\d+`);
    if (!block.test(toml)) throw new Error(`wrangler.toml has no [[ratelimits]] binding ${name}`);
    toml = toml.replace(block, `$1${limit}`);
  }
  if (o.shardMap !== undefined) {
    const line = /^SHARD_MAP\s*=\s*"[^"]*"/m;
    if (!line.test(toml)) throw new Error('wrangler.toml has no SHARD_MAP in [vars]');
    toml = toml.replace(line, `SHARD_MAP = ${JSON.stringify(o.shardMap)}`);
  }
  const config = join(o.dir, 'wrangler.toml');
  writeFileSync(config, toml);
  if (o.vars) writeDevVars(o.dir, o.vars);
  return config;
}

/** Secrets in `<dir>/.dev.vars`, readable by the owner only. */
export function writeDevVars(dir: string, vars: Record<string, string>): void {
  // Single-quoted: dotenv keeps such values literally (the JSON inside needs no escaping).
  const lines = Object.entries(vars).map(([k, v]) => {
    if (/['\r\n]/.test(v)) throw new TypeError(`${k} cannot be written single-quoted`);
    return `${k}='${v}'`;
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.dev.vars'), `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** `wrangler d1 ...` against the local D1 in `persistDir`; throws with wrangler's output on failure. */
export function wranglerD1(config: string, persistDir: string, args: string[], timeoutMs = 600_000): string {
  const result = spawnSync(process.execPath, [WRANGLER_BIN, 'd1', ...args, '--local', '-c', config, '--persist-to', resolve(persistDir)], {
    cwd: dirname(config),
    env: childEnv(),
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(
      `wrangler d1 ${args.join(' ')} failed (${result.status ?? result.signal}):\n${String(result.stderr).slice(-3000)}\n${String(result.stdout).slice(-2000)}`,
    );
  return String(result.stdout);
}

/** Every database gets every migration (worker/migrations/0005_shards.sql): the home one and each holder database. */
export function applyMigrations(config: string, persistDir: string): void {
  // One after another: every wrangler's local runtime opens the persist directory's shared
  // metadata.sqlite, and two starting at once fail with SQLITE_BUSY.
  for (const binding of d1Bindings(readFileSync(config, 'utf8'))) wranglerD1(config, persistDir, ['migrations', 'apply', binding]);
}

/** The `binding` of every [[d1_databases]] table in a wrangler.toml, in order. */
export function d1Bindings(toml: string): string[] {
  const out: string[] = [];
  for (const block of toml.split(/^\[\[d1_databases\]\]\s*$/m).slice(1)) {
    const binding = /^binding\s*=\s*"([A-Z][A-Z0-9_]*)"/m.exec(block.split(/^\[/m)[0]!);
    if (binding) out.push(binding[1]!);
  }
  return out;
}

/**
 * Which database of a wrangler.toml holds which buckets: its [vars] SHARD_MAP checked against its
 * D1 bindings, exactly as the Worker reads it (worker/shards/shards.ts shardMapFor).
 */
export function shardMapOfConfig(config: string): ShardMap {
  const toml = readFileSync(config, 'utf8');
  const bindings = d1Bindings(toml);
  const hasBinding = (name: string) => bindings.includes(name);
  const text = /^SHARD_MAP\s*=\s*"([^"]*)"/m.exec(toml)?.[1];
  if (text === undefined || text.trim() === '') return evenShardMap(conventionalBindings(hasBinding));
  const parsed = parseShardMap(text, hasBinding);
  if (!parsed.ok) throw new Error(`${config}: SHARD_MAP: ${parsed.problem}`);
  return parsed.map;
}

export interface StartOptions {
  /** Loopback port to serve on (default: a free one); fixed when a supervisor restarts it. */
  port?: number;
  inspectorPort?: number;
  /** Secrets from this file instead of `.dev.vars` beside the config. */
  envFile?: string;
  /** Ready once /healthz answers at all (a Worker missing its secrets answers 500), not only 2xx. */
  anyAnswerIsReady?: boolean;
  readyTimeoutMs?: number;
}

export interface RunningWorker {
  baseUrl: string;
  /** The process group id (the wrangler process's pid). */
  pgid: number;
  /** SIGTERM to the group, then SIGKILL to the group after a bound; resolves when all of it is gone. */
  stop(): Promise<void>;
  /** SIGKILL to the whole group at once (wrangler and workerd): a crash, for fault tests. */
  kill(): Promise<void>;
  /** The last lines wrangler printed (for error messages). */
  output(): string;
}

/** Starts `wrangler dev -c config` and resolves once /healthz answers; on failure stops it and throws. */
export async function startWorker(config: string, persistDir: string, o: StartOptions = {}): Promise<RunningWorker> {
  const port = o.port ?? (await freeLoopbackPort());
  const inspector = o.inspectorPort ?? (await freeLoopbackPort());
  const args = [WRANGLER_BIN, 'dev', '-c', config, '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector)];
  args.push('--persist-to', resolve(persistDir), '--show-interactive-dev-session=false', '--log-level', 'warn');
  if (o.envFile) args.push('--env-file', resolve(o.envFile));
  // cwd beside the temporary config, so no .env or .wrangler/ of the developer's checkout is read.
  // detached: its own process group, so wrangler and workerd can be signalled together.
  const child = spawn(process.execPath, args, { cwd: dirname(config), env: childEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((r) => {
    const done = (why: string) => {
      exited = true;
      keep(Buffer.from(`\n[${why}]\n`));
      r();
    };
    child.once('exit', (code, sig) => done(`wrangler exited with ${code ?? sig}`));
    child.once('error', (e) => done(`wrangler could not start: ${e.message}`));
  });
  const worker = processGroup(child.pid!, exit, `http://127.0.0.1:${port}`, () => log);

  const deadline = Date.now() + (o.readyTimeoutMs ?? 90_000);
  let lastAnswer = 'no answer';
  while (Date.now() < deadline && !exited) {
    const res = await fetch(`${worker.baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    if (res && (res.ok || o.anyAnswerIsReady)) {
      await res.body?.cancel();
      return worker;
    }
    if (res) lastAnswer = `${res.status} ${(await res.text()).slice(0, 500)}`;
    await sleep(250);
  }
  await worker.stop();
  const why = exited ? 'wrangler dev exited during start' : 'wrangler dev did not become ready';
  throw new Error(`${why}; /healthz last answered: ${lastAnswer}\n${log.slice(-3000)}`);
}

function processGroup(pgid: number, exit: Promise<void>, baseUrl: string, output: () => string): RunningWorker {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pgid, s);
    } catch {
      // the group is already gone
    }
  };
  const groupAlive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const groupGone = async (ms: number) => {
    for (const end = Date.now() + ms; groupAlive() && Date.now() < end; ) await sleep(50);
  };
  return {
    baseUrl,
    pgid,
    output,
    async stop() {
      if (!groupAlive()) return;
      signal('SIGTERM');
      await within(exit, 5000);
      await groupGone(3000); // workerd exits just after wrangler
      if (groupAlive()) signal('SIGKILL');
      await groupGone(5000);
    },
    async kill() {
      signal('SIGKILL');
      await within(exit, 5000);
      await groupGone(5000);
    },
  };
}
