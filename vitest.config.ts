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
    ],
  },
});
