// Bindings the Worker tests see: the Worker's own (worker/env.ts) plus the test-only ones that
// vitest.config.ts generates (test/worker/secrets.ts). Lives under test/worker so only the
// Worker's tsconfig (workerd types) includes it.
import type { D1Migration } from '@cloudflare/vitest-plugin';
import type { Env as WorkerEnv } from '../../worker/env.ts';

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('../../worker/index.ts');
    }
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** base64url seeds and clear operator tokens, generated per run. */
      TEST_ROOT_SEED: string;
      TEST_SIGNING_SEED: string;
      TEST_OPERATOR_TOKEN: string;
      TEST_AUDITOR_TOKEN: string;
      /** Tight limiters (5 a minute) that test/worker/hostile-rate-limit.test.ts swaps in (vitest.config.ts). */
      TEST_ENROL_RATE_LIMIT: RateLimit;
      TEST_TOKEN_RATE_LIMIT: RateLimit;
      TEST_FEED_RATE_LIMIT: RateLimit;
      TEST_CHECKIN_RATE_LIMIT: RateLimit;
      TEST_HOLDER_AUTH_FAILURE_RATE_LIMIT: RateLimit;
      /** test/worker/identity-providers.ts: a second client at the trusted provider, and two other providers. */
      TEST_OIDC_OTHER_CLIENT_ID: string;
      TEST_OIDC_OTHER_CLIENT_SECRET: string;
      TEST_OIDC_SHARED_KEYS_URL: string;
      TEST_OIDC_UNTRUSTED_URL: string;
      /** Cases per property for test/worker/hostile-fuzz.test.ts (vitest.config.ts, npm run fuzz). */
      FUZZ_RUNS?: string;
    }
  }
}
