// The issuer Worker's entry point: the Hono app on the real clock with the edge cache, and the
// Cron Trigger handler on the trigger's scheduled time.

import { createApp } from './app.ts';
import { configFor } from './config.ts';
import { runCron } from './cron.ts';
import type { Env } from './env.ts';
import { describeForLog } from './log-safe.ts';
import { openShards } from './shards/shards.ts';

const app = createApp({ edgeCache: typeof caches === 'undefined' ? undefined : caches.default });

async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  let report: Awaited<ReturnType<typeof runCron>>;
  try {
    report = await runCron(openShards(env), configFor(env), Math.floor(controller.scheduledTime / 1000));
  } catch (err) {
    // The runtime would log the message, and a data-layer message carries query parameters.
    console.error(`cron ${controller.cron} failed: ${describeForLog(err)}`);
    throw new Error('cron run failed; see the log line above');
  }
  console.log(`cron ${controller.cron}: ${JSON.stringify(report)}`);
}

export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Env>;
