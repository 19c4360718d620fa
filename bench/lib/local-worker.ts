// A local issuer Worker (`wrangler dev`, local mode) for the load bench and the fault tests: its
// own process group, a temporary config directory with its own secrets, a persist directory the
// caller chooses, loopback only, a free port. Stopped by process group; killable with SIGKILL.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { applyOfflineEnv } from '../../scripts/offline-env.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
// wrangler's package exports hide bin/; it sits beside package.json.
const WRANGLER = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');

export interface WorkerConfigOptions {
  /** Directory for wrangler.toml and .dev.vars (created). */
  dir: string;
  /** Secrets and variables, written to .dev.vars (mode 0600). */
  vars: Record<string, string>;
  /** Entry module instead of wrangler.toml's `main` (absolute path). */
  main?: string;
  /** Replaces the `simple.limit` of each named [[ratelimits]] binding. */
  rateLimits?: Record<string, number>;
}

/** Copies wrangler.toml into `dir` with absolute paths, an empty assets folder and the overrides. */
export function writeWorkerConfig(o: WorkerConfigOptions): string {
  mkdirSync(o.dir, { recursive: true });
  const assets = join(o.dir, 'assets');
  mkdirSync(assets, { recursive: true });
  let toml = readFileSync(join(REPO_ROOT, 'wrangler.toml'), 'utf8').replace(/^(\s*(main|directory|migrations_dir)\s*=\s*)"([^"]+)"/gm, (_l, prefix: string, key: string, value: string) => {
    if (key === 'directory') return `${prefix}${JSON.stringify(assets)}`;
    if (key === 'main' && o.main) return `${prefix}${JSON.stringify(o.main)}`;
    return `${prefix}${JSON.stringify(isAbsolute(value) ? value : join(REPO_ROOT, value))}`;
  });
  for (const [name, limit] of Object.entries(o.rateLimits ?? {})) {
    const block = new RegExp(`(name = "${name}"[\\s\\S]*?simple = \\{ limit = )\\d+`);
    if (!block.test(toml)) throw new Error(`wrangler.toml has no [[ratelimits]] binding ${name}`);
    toml = toml.replace(block, `$1${limit}`);
  }
  const config = join(o.dir, 'wrangler.toml');
  writeFileSync(config, toml);
  const lines = Object.entries(o.vars).map(([k, v]) => {
    if (/['\r\n]/.test(v)) throw new TypeError(`${k} cannot be written single-quoted`);
    return `${k}='${v}'`;
  });
  writeFileSync(join(o.dir, '.dev.vars'), lines.join('\n') + '\n', { mode: 0o600 });
  return config;
}

/** `wrangler d1 ...` against the local D1 in `persistDir`; throws with wrangler's output on failure. */
export function wranglerD1(config: string, persistDir: string, args: string[], timeoutMs = 600_000): string {
  const result = spawnSync(process.execPath, [WRANGLER, 'd1', ...args, '--local', '-c', config, '--persist-to', persistDir], {
    cwd: REPO_ROOT,
    env: applyOfflineEnv({ ...process.env, CI: 'true', FORCE_COLOR: '0' }),
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`wrangler d1 ${args.join(' ')} failed (${result.status ?? result.signal}):\n${String(result.stderr).slice(-3000)}\n${String(result.stdout).slice(-2000)}`);
  return String(result.stdout);
}

export function applyMigrations(config: string, persistDir: string): void {
  wranglerD1(config, persistDir, ['migrations', 'apply', 'DB']);
}

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

export interface RunningWorker {
  baseUrl: string;
  /** The process group id (the wrangler process's pid). */
  pgid: number;
  /** SIGINT to the group, then SIGKILL after 5 s; resolves when wrangler has exited. */
  stop(): Promise<void>;
  /** SIGKILL to the whole group at once (wrangler and workerd): a crash, for fault tests. */
  kill(): Promise<void>;
  /** The last lines wrangler printed (for error messages). */
  output(): string;
}

export async function startWorker(config: string, persistDir: string, readyTimeoutMs = 90_000): Promise<RunningWorker> {
  const [port, inspector] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const args = [WRANGLER, 'dev', '-c', config, '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--persist-to', persistDir, '--show-interactive-dev-session=false', '--log-level', 'warn'];
  // detached: its own process group, so wrangler and workerd can be signalled together.
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO_ROOT, env: applyOfflineEnv({ ...process.env, CI: 'true' }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const pgid = child.pid!;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pgid, s);
    } catch {
      // already gone
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
  const waitGroupGone = async (ms: number) => {
    for (const end = Date.now() + ms; groupAlive() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
  };
  const worker: RunningWorker = {
    baseUrl: `http://127.0.0.1:${port}`,
    pgid,
    output: () => log,
    async stop() {
      if (!groupAlive()) return;
      signal('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      await waitGroupGone(3000);
      if (groupAlive()) signal('SIGKILL');
      await waitGroupGone(5000);
    },
    async kill() {
      signal('SIGKILL');
      await exited;
      await waitGroupGone(5000);
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await fetch(`${worker.baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return worker;
    await new Promise((r) => setTimeout(r, 250));
  }
  await worker.stop();
  throw new Error(`wrangler dev did not become ready:\n${log.slice(-3000)}`);
}
