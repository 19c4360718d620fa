// The one seeded Worker the edge and import sections share within a `npm run bench` run: started
// on first use, stopped by bench/run.ts at the end (or on Ctrl-C), so the seed is copied and the
// Worker started only once. Bench configuration, said plainly: the Worker runs the production
// code under bench/lib/workerd/counting-entry.ts (it adds a D1 call count header), and every rate
// limit is raised so that one load generator on one address is not throttled (docs/api.md
// "Rate limits"; every load checks that no 429 came back).
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/local-worker.ts';
import { ensureSeededD1, type SeededWorker, startSeededWorker } from '../../scripts/lib/seed/seeded-d1.ts';

export const SEED_SHAPE = { holders: 100_000, red: 5_000, yellow: 5_000 } as const;
export const BENCH_RATE_LIMIT = 1_000_000_000;
const COUNTING_ENTRY = join(REPO_ROOT, 'bench', 'lib', 'workerd', 'counting-entry.ts');

let shared: Promise<SeededWorker> | undefined;
let running: SeededWorker | undefined;

export function sharedSeededWorker(log: (line: string) => void): Promise<SeededWorker> {
  shared ??= (async () => {
    const seeded = await ensureSeededD1(SEED_SHAPE, log);
    running = await startSeededWorker(
      seeded,
      {
        main: COUNTING_ENTRY,
        rateLimits: {
          ENROL_RATE_LIMIT: BENCH_RATE_LIMIT,
          TOKEN_RATE_LIMIT: BENCH_RATE_LIMIT,
          FEED_RATE_LIMIT: BENCH_RATE_LIMIT,
          CHECKIN_RATE_LIMIT: BENCH_RATE_LIMIT,
        },
      },
      log,
    );
    return running;
  })();
  return shared;
}

export async function stopSharedWorker(): Promise<void> {
  const r = running;
  running = undefined;
  shared = undefined;
  await r?.stop();
}

// Last resort if the bench dies: no workerd may outlive it.
process.on('exit', () => {
  if (running) {
    try {
      process.kill(-running.worker.pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
