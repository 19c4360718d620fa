// GET /healthz: cheap liveness. It parses the configuration (so a broken secret shows up here as
// 500 misconfigured) but does not touch D1, so probes cost nothing.

import type { Hono } from 'hono';
import type { AppEnv } from '../env.ts';

export function registerHealthRoutes(app: Hono<AppEnv>): void {
  app.get('/healthz', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ ok: true });
  });
}
