// Bench-only Worker entry (bench/lib/shared-worker.ts points wrangler's `main` here): the production
// Worker, worker/index.ts, unchanged, with every D1 binding (the home database and each holder
// database of SHARD_MAP) wrapped so that every response carries
// `Tricolor-Bench-D1-Calls`: how many calls that request made on the bindings or their sessions
// (prepare, batch, withSession, ...; test/worker/helpers.ts countingEnv counts the same way), and
// `Tricolor-Bench-D1-Statements`: how many statements it prepared. That is how the bench shows a
// 304 feed poll touching D1 or not. The wrapper is created once per env object, so the
// Worker's per-env caches (config, drizzle handle) behave as in production; its cost, a proxy
// call per D1 call and an AsyncLocalStorage scope per request, is paid by the baseline too.
//
// Diagnostics only: a request with `Tricolor-Bench-Variant: no-rate-limit` runs with the rate
// limit bindings removed, so the bench can show what the local emulation of the Rate Limiting
// binding (a Durable Object call and a SQLite write per request) costs the token route.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Env } from '../../../worker/env.ts';
import worker from '../../../worker/index.ts';

const scope = new AsyncLocalStorage<{ calls: number; statements: number }>();
const wrapped = new WeakMap<Env, Env>();
const withoutLimits = new WeakMap<Env, Env>();
let wraps = 0;

/**
 * Counts every method call on a D1 binding, and on the sessions it opens (the Worker's read path
 * queries through `withSession`), in the current request's scope; `prepare` and `exec` also count
 * as statements.
 */
function counting<T extends object>(target: T): T {
  return new Proxy(target, {
    get(t, property) {
      const value = Reflect.get(t, property) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const counter = scope.getStore();
        if (counter) {
          counter.calls++;
          if (property === 'prepare' || property === 'exec') counter.statements++;
        }
        const result = (value as (...a: unknown[]) => unknown).apply(t, args);
        return property === 'withSession' && typeof result === 'object' && result !== null ? counting(result) : result;
      };
    },
  });
}

function isD1Database(value: unknown): value is D1Database {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<D1Database>;
  return typeof candidate.prepare === 'function' && typeof candidate.batch === 'function' && typeof candidate.withSession === 'function';
}

function countingEnv(env: Env, variant: string | null): Env {
  if (variant === 'no-rate-limit') {
    let bare = withoutLimits.get(env);
    if (!bare) {
      bare = {
        ...countingEnv(env, null),
        ENROL_RATE_LIMIT: undefined,
        TOKEN_RATE_LIMIT: undefined,
        FEED_RATE_LIMIT: undefined,
        CHECKIN_RATE_LIMIT: undefined,
      };
      withoutLimits.set(env, bare);
    }
    return bare;
  }
  let out = wrapped.get(env);
  if (!out) {
    // Every database, not only DB: a token fetch reads the holder's own database, which is DB
    // for only a quarter of holders with four.
    out = Object.fromEntries(Object.entries(env).map(([name, value]) => [name, isD1Database(value) ? counting(value) : value])) as Env;
    wrapped.set(env, out);
    wraps++;
  }
  return out;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const counter = { calls: 0, statements: 0 };
    const response = await scope.run(counter, () =>
      worker.fetch(request, countingEnv(env, request.headers.get('tricolor-bench-variant')), ctx),
    );
    const out = new Response(response.body, response);
    out.headers.set('Tricolor-Bench-D1-Calls', String(counter.calls));
    out.headers.set('Tricolor-Bench-D1-Statements', String(counter.statements));
    // More than one means env objects differ between requests, and the per-env caches would miss.
    out.headers.set('Tricolor-Bench-Env-Wraps', String(wraps));
    return out;
  },
} satisfies ExportedHandler<Env>;
