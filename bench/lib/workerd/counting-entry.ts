// Bench-only Worker entry (bench/lib/local-worker.ts points wrangler's `main` here): the production
// Worker, worker/index.ts, unchanged, with its D1 binding wrapped so that every response carries
// `Tricolor-Bench-D1-Calls`: how many calls that request made on the binding (prepare, batch,
// withSession, ...; the same counting as test/worker/helpers.ts countingEnv). That is how the bench
// shows a 304 feed poll touching D1 or not. The wrapper is created once per env object, so the
// Worker's per-env caches (config, drizzle handle) behave as in production; its cost, a proxy
// call per D1 call and an AsyncLocalStorage scope per request, is paid by the baseline too.
//
// Diagnostics only: a request with `Tricolor-Bench-Variant: no-rate-limit` runs with the two rate
// limit bindings removed, so the bench can show what the local emulation of the Rate Limiting
// binding (a Durable Object call and a SQLite write per request) costs the token route.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Env } from '../../../worker/env.ts';
import worker from '../../../worker/index.ts';

const scope = new AsyncLocalStorage<{ calls: number }>();
const wrapped = new WeakMap<Env, Env>();
const withoutLimits = new WeakMap<Env, Env>();
let wraps = 0;

function countingEnv(env: Env, variant: string | null): Env {
  if (variant === 'no-rate-limit') {
    let bare = withoutLimits.get(env);
    if (!bare) {
      bare = { ...countingEnv(env, null), ENROL_RATE_LIMIT: undefined, TOKEN_RATE_LIMIT: undefined };
      withoutLimits.set(env, bare);
    }
    return bare;
  }
  let out = wrapped.get(env);
  if (!out) {
    const DB = new Proxy(env.DB, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const counter = scope.getStore();
          if (counter) counter.calls++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    out = { ...env, DB };
    wrapped.set(env, out);
    wraps++;
  }
  return out;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const counter = { calls: 0 };
    const response = await scope.run(counter, () => worker.fetch(request, countingEnv(env, request.headers.get('tricolor-bench-variant')), ctx));
    const out = new Response(response.body, response);
    out.headers.set('Tricolor-Bench-D1-Calls', String(counter.calls));
    // More than one means env objects differ between requests, and the per-env caches would miss.
    out.headers.set('Tricolor-Bench-Env-Wraps', String(wraps));
    return out;
  },
} satisfies ExportedHandler<Env>;
