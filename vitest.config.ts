// One `npm test` for every project: core in Node, the Worker inside workerd with a real local D1
// (@cloudflare/vitest-plugin runs Miniflare), and the PWA in real headless Chromium.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { applyOfflineEnv } from './scripts/lib/offline-env.ts';
import { workerTestProviders } from './test/worker/identity-providers.ts';
import { workerTestSecrets } from './test/worker/secrets.ts';

applyOfflineEnv();

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'core', include: ['test/core/**/*.test.ts', 'test/interop/**/*.test.ts'], environment: 'node' },
      },
      {
        // The operator key CLI, run as an operator would (node scripts/keys.ts in a temporary keystore).
        test: { name: 'keys', include: ['test/keys/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        // The `npm run dev` environment: dev keys, .dev.vars, and a real start-up.
        test: { name: 'dev', include: ['test/dev/**/*.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // Fresh random secrets for every run, generated here and never written to disk.
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations('worker/migrations'),
                ...(await workerTestSecrets()),
                // Real OpenID providers on loopback, started here in Node (workerd fetches them).
                ...(await workerTestProviders()),
                // Cases per property in test/worker/hostile-fuzz.test.ts; `npm run fuzz -- --runs N` raises it.
                FUZZ_RUNS: process.env.FUZZ_RUNS ?? '40',
              },
              ratelimits: {
                // Raised on purpose: the functional suites enrol hundreds of holders from one test
                // client, which wrangler.toml's per-client limits would throttle. The rate-limit
                // suite (test/worker/hostile-rate-limit.test.ts) swaps in the tight TEST_* limiters.
                ENROL_RATE_LIMIT: { namespace_id: '6001', simple: { limit: 1_000_000, period: 60 } },
                TOKEN_RATE_LIMIT: { namespace_id: '6002', simple: { limit: 1_000_000, period: 60 } },
                HOLDER_AUTH_FAILURE_RATE_LIMIT: { namespace_id: '6003', simple: { limit: 1_000_000, period: 60 } },
                TEST_HOLDER_AUTH_FAILURE_RATE_LIMIT: { namespace_id: '6103', simple: { limit: 5, period: 60 } },
                FEED_RATE_LIMIT: { namespace_id: '6010', simple: { limit: 1_000_000, period: 60 } },
                CHECKIN_RATE_LIMIT: { namespace_id: '6011', simple: { limit: 1_000_000, period: 60 } },
                TEST_ENROL_RATE_LIMIT: { namespace_id: '6101', simple: { limit: 5, period: 60 } },
                TEST_TOKEN_RATE_LIMIT: { namespace_id: '6102', simple: { limit: 5, period: 60 } },
                TEST_FEED_RATE_LIMIT: { namespace_id: '6110', simple: { limit: 5, period: 60 } },
                TEST_CHECKIN_RATE_LIMIT: { namespace_id: '6111', simple: { limit: 5, period: 60 } },
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          // Real D1 batches over hundreds of holders on two shared cores: 5 s is too tight for the
          // concurrency and import suites when the machine is busy; none of them waits on a clock.
          testTimeout: 30_000,
          setupFiles: ['test/worker/apply-migrations.ts', 'test/worker/install-trust-list.ts'],
        },
      },
      {
        // Fault tests against a real `wrangler dev` in its own process group (scripts/local-worker.ts):
        // SIGKILL mid-import and recovery, and the rate limits under the real wrangler.toml.
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // The PWA: pure modules in Node, and the app in real headless Chromium (playwright-core)
        // against the real Worker, which test/web/global-setup.ts builds, starts and stops.
        test: {
          name: 'web',
          include: ['test/web/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/web/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One browser at a time: two cores are shared with the Worker under test.
          fileParallelism: false,
        },
      },
    ],
  },
});
