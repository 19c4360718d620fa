// A local `wrangler dev` for the remote-publish test, supervised the way Cloudflare treats a
// deployed Worker: when its secrets env file changes (the CLI's local stand-in for `wrangler
// secret put`, keys/secret-sink.ts), it is restarted with the new file, and the file's SHA-256 is
// acknowledged in `<file>.applied` once the new process answers, as `secret put` returns only
// after the new version is live.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { applyOfflineEnv } from '../../scripts/offline-env.ts';
import { WRANGLER_BIN } from '../../keys/wrangler-exec.ts';
import { REPO_ROOT } from './keys-helpers.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface LocalWorker {
  url: string;
  restarts: number;
  /** The env file's content at each restart, in order. */
  applied: string[];
  stop(): Promise<void>;
}

export async function startLocalWorker(options: { envFile: string; persistTo: string }): Promise<LocalWorker> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let applied = '';
  let busy = false;
  let closed = false;

  const digestOfFile = async () => createHash('sha256').update(await readFile(options.envFile)).digest('hex');

  async function launch(): Promise<void> {
    const args = [WRANGLER_BIN, 'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort)];
    args.push('--env-file', options.envFile, '--persist-to', options.persistTo, '--show-interactive-dev-session=false');
    child = spawn(process.execPath, args, { cwd: REPO_ROOT, detached: true, stdio: 'ignore', env: applyOfflineEnv({ ...process.env }) });
    for (let i = 0; i < 240; i++) {
      // Any HTTP answer means it is serving (a Worker without its secrets answers 500).
      if (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false)) return;
      if (child.exitCode !== null) throw new Error('wrangler dev exited during start');
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('wrangler dev did not start within 60 s');
  }

  async function halt(): Promise<void> {
    const running = child;
    if (!running?.pid || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    process.kill(-running.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    try {
      process.kill(-running.pid, 'SIGKILL'); // anything of the group still there
    } catch {
      // the group is gone, as it should be
    }
  }

  applied = await digestOfFile();
  await launch();
  const worker: LocalWorker = {
    url,
    restarts: 0,
    applied: [],
    async stop() {
      closed = true;
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 50));
      await halt();
    },
  };
  const timer = setInterval(async () => {
    if (busy || closed) return;
    busy = true;
    try {
      const digest = await digestOfFile();
      if (digest !== applied) {
        await halt();
        await launch();
        applied = digest;
        worker.restarts++;
        worker.applied.push(await readFile(options.envFile, 'utf8'));
        await writeFile(`${options.envFile}.applied`, digest);
      }
    } finally {
      busy = false;
    }
  }, 200);
  return worker;
}
