// Starts the real issuer Worker (`wrangler dev`, local mode) for the browser tests, in its own
// process group, on a free loopback port, with its own temporary config, secrets, D1 state and
// static assets, so nothing of a developer's .dev.vars, .wrangler/ or dist/ is read or touched.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { applyOfflineEnv } from '../../../scripts/offline-env.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
// wrangler's package exports hide bin/; find it beside its package.json. The offline environment
// (no telemetry, no Request.cf fetch) is applied to every child below.
const wranglerScript = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin/wrangler.js');

export interface RunningWorker {
  baseUrl: string;
  stop(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Copies wrangler.toml into `dir` with its paths made absolute and the assets pointed at `assetsDir`. */
export function writeWranglerConfig(dir: string, assetsDir: string): string {
  const source = readFileSync(join(repoRoot, 'wrangler.toml'), 'utf8');
  const rewritten = source.replace(/^(\s*(?:main|directory|migrations_dir)\s*=\s*)"([^"]+)"/gm, (_line, key: string, value: string) => {
    const absolute = key.trim().startsWith('directory') ? assetsDir : isAbsolute(value) ? value : join(repoRoot, value);
    return `${key}${JSON.stringify(absolute)}`;
  });
  const file = join(dir, 'wrangler.toml');
  writeFileSync(file, rewritten);
  return file;
}

/** Secrets go in a .dev.vars beside the temporary config, where wrangler looks for them. */
export function writeDevVars(dir: string, vars: Record<string, string>): void {
  // Single-quoted: dotenv keeps such values literally (the JSON inside needs no escaping).
  const lines = Object.entries(vars).map(([k, v]) => {
    if (/['\r\n]/.test(v)) throw new TypeError(`${k} cannot be written single-quoted`);
    return `${k}='${v}'`;
  });
  writeFileSync(join(dir, '.dev.vars'), lines.join('\n') + '\n', { mode: 0o600 });
}

function wrangler(args: string[], cwd: string): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [wranglerScript, ...args], { cwd, env: applyOfflineEnv({ ...process.env, CI: 'true' }), encoding: 'utf8', timeout: 120_000 });
}

export function applyMigrations(config: string, persistDir: string): void {
  const result = wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '-c', config, '--persist-to', persistDir], repoRoot);
  if (result.status !== 0) throw new Error(`D1 migrations failed:\n${String(result.stdout)}\n${String(result.stderr)}`);
}

export async function startWorker(config: string, persistDir: string): Promise<RunningWorker> {
  const port = await freeLoopbackPort();
  const child: ChildProcess = spawn(
    process.execPath,
    [wranglerScript, 'dev', '-c', config, '--ip', '127.0.0.1', '--port', String(port), '--persist-to', persistDir, '--show-interactive-dev-session=false', '--inspector-port', String(await freeLoopbackPort())],
    { cwd: repoRoot, env: applyOfflineEnv({ ...process.env, CI: 'true' }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGINT');
    } catch {
      return;
    }
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let lastAnswer = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return { baseUrl, stop };
      lastAnswer = `${response.status} ${(await response.text()).slice(0, 2000)}`;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`wrangler dev did not become ready; /healthz last answered: ${lastAnswer}\n${output.slice(0, 3000)}`);
}
