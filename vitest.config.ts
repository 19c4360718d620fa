// One `npm test` for every project: core in Node, the Worker inside workerd with a real local D1
// (@cloudflare/vitest-plugin runs Miniflare), and the PWA in real headless Chromium.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { applyOfflineEnv } from './scripts/offline-env.ts';
import { workerTestSecrets } from './test/worker/secrets.ts';

applyOfflineEnv();

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'core', include: ['test/core/**/*.test.ts', 'test/interop/**/*.test.ts'], environment: 'node' },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // Fresh random secrets for every run, generated here and never written to disk.
              bindings: { TEST_MIGRATIONS: await readD1Migrations('worker/migrations'), ...(await workerTestSecrets()) },
            },
          })),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          setupFiles: ['test/worker/apply-migrations.ts', 'test/worker/install-trust-list.ts'],
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
