// A local `wrangler dev` for the remote-publish test, supervised the way Cloudflare treats a
// deployed Worker: when its secrets env file changes (the CLI's local stand-in for `wrangler
// secret put`, keys/secret-sink.ts), it is restarted with the new file, and the file's SHA-256 is
// acknowledged in `<file>.applied` once the new process answers, as `secret put` returns only
// after the new version is live. The Worker runs from a temporary copy of wrangler.toml with an
// empty assets directory (scripts/local-worker.ts), so it starts on a fresh clone with no PWA build.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort, type RunningWorker, startWorker, writeWorkerConfig } from '../../scripts/lib/local-worker.ts';

export interface LocalWorker {
  url: string;
  restarts: number;
  /** The env file's content at each restart, in order. */
  applied: string[];
  stop(): Promise<void>;
}

export async function startLocalWorker(options: { envFile: string; persistTo: string; port?: number }): Promise<LocalWorker> {
  const configDir = await mkdtemp(join(tmpdir(), 'tricolor-keys-worker-'));
  const config = writeWorkerConfig({ dir: configDir });
  // One address for the whole run: the CLI under test is given the URL once.
  const ports = { port: options.port ?? (await freeLoopbackPort()), inspectorPort: await freeLoopbackPort() };
  // Any HTTP answer means it is serving (a Worker without its secrets answers 500).
  const launch = () =>
    startWorker(config, options.persistTo, { ...ports, envFile: options.envFile, anyAnswerIsReady: true, readyTimeoutMs: 60_000 });
  const digestOfFile = async () =>
    createHash('sha256')
      .update(await readFile(options.envFile))
      .digest('hex');
  let applied = await digestOfFile();
  let running: RunningWorker | undefined;
  let busy = false;
  let closed = false;

  try {
    running = await launch();
  } catch (e) {
    await rm(configDir, { recursive: true, force: true });
    throw e;
  }
  const worker: LocalWorker = {
    url: running.baseUrl,
    restarts: 0,
    applied: [],
    async stop() {
      closed = true;
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 50));
      await running?.stop();
      await rm(configDir, { recursive: true, force: true });
    },
  };
  const timer = setInterval(async () => {
    if (busy || closed) return;
    busy = true;
    try {
      const digest = await digestOfFile();
      if (digest !== applied) {
        await running?.stop();
        running = undefined;
        running = await launch();
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
