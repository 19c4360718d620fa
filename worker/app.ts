// The issuer Worker's Hono app. `createApp({ now })` builds it with an injected clock (tests pin
// it); worker/index.ts builds the production one with Date.now and the edge cache.

import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { requireStaff } from './auth/staff-session.ts';
import { configFor } from './config.ts';
import { type Db, openReadDb } from './db/client.ts';
import type { AppEnv } from './env.ts';
import { ApiError, handleError, notFound } from './errors.ts';
import { forwardRevocations } from './feed/forward.ts';
import { securityHeaders } from './http/security-headers.ts';
import { describeForLog } from './log-safe.ts';
import { registerAdminAuditRoutes } from './routes/admin-audit.ts';
import { registerAdminDashboardRoutes } from './routes/admin-dashboard.ts';
import { registerAdminHolderRoutes } from './routes/admin-holders.ts';
import { registerAdminImportRoutes } from './routes/admin-import.ts';
import { registerAdminRevocationRoutes } from './routes/admin-revocations.ts';
import { registerAdminSessionRoutes } from './routes/admin-session.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerHolderRoutes } from './routes/holders.ts';
import { registerKeyRoutes } from './routes/keys.ts';
import { registerRevocationRoutes } from './routes/revocations.ts';
import { registerStaffAuthRoutes } from './routes/staff-auth.ts';
import { openShards, type Shard } from './shards/shards.ts';
import { type AppDeps, type AppState, createAppState } from './state.ts';
import { TUNABLES } from './tunables.ts';

/** `state` is passed only by tests that act on the same caches as the app (test/worker/helpers.ts). */
export function createApp(deps: AppDeps = {}, state: AppState = createAppState(deps)): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(handleError);
  app.notFound(notFound);

  app.use('*', securityHeaders);
  app.use('*', async (c, next) => {
    // One clock reading per request, so every decision in it agrees on "now".
    c.set('now', state.now());
    c.set('state', state);
    c.set('config', configFor(c.env));
    const shards = openShards(c.env);
    c.set('shards', shards);
    c.set('db', shards.home);
    let replica: Db | undefined;
    c.set('readDb', () => (replica ??= openReadDb(c.env.DB)));
    const revoked = new Set<Shard>();
    c.set('noteRevocation', (shard) => revoked.add(shard));
    await next();
    // A status change committed revocations to its database's outbox: copy them into the feed
    // now, so verifiers see them on their next poll. A failure here loses nothing (the outbox
    // keeps them and the cron copies them), so it never turns a committed change into an error.
    for (const shard of revoked) {
      try {
        // Up to a whole import's worth: one request never writes more revocations than that.
        if ((await forwardRevocations(shards.home, shard, TUNABLES.maxImportRows)).forwarded > 0) state.feedHead.invalidate();
      } catch (err) {
        console.error(`revocation forwarding from ${shard.name} deferred to the cron: ${describeForLog(err)}`);
      }
    }
  });
  // Public data for any verifier, wherever it is served from.
  const publicCors = cors({
    origin: '*',
    allowMethods: ['GET', 'HEAD'],
    allowHeaders: ['If-None-Match'],
    exposeHeaders: ['ETag', 'Tricolor-Feed-Kind'],
    maxAge: 86400,
  });
  for (const path of ['/v1/trust-list', '/v1/revocations', '/.well-known/jwks.json']) app.use(path, publicCors);
  // Before any admin handler or body parsing: no valid token or console session, no data.
  app.use('/v1/admin/*', requireStaff);

  registerHealthRoutes(app);
  registerAuthRoutes(app);
  registerStaffAuthRoutes(app);
  registerHolderRoutes(app);
  registerKeyRoutes(app);
  registerRevocationRoutes(app);
  registerAdminImportRoutes(app);
  registerAdminHolderRoutes(app);
  registerAdminRevocationRoutes(app);
  registerAdminAuditRoutes(app);
  registerAdminDashboardRoutes(app);
  registerAdminSessionRoutes(app);
  registerMethodNotAllowed(app);
  return app;
}

/** 405 with an Allow header for a known path asked with another method. */
function registerMethodNotAllowed(app: Hono<AppEnv>): void {
  const allowed = new Map<string, Set<string>>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue; // middleware
    const methods = allowed.get(r.path) ?? new Set<string>();
    methods.add(r.method);
    if (r.method === 'GET') methods.add('HEAD');
    allowed.set(r.path, methods);
  }
  for (const [path, methods] of allowed) {
    const allow = [...methods].join(', ');
    app.all(path, () => {
      throw new ApiError(405, 'method_not_allowed', `This route accepts ${allow}.`, { Allow: allow });
    });
  }
}
