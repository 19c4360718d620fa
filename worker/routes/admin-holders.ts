// Operator routes on one holder: the current status with its full history, and setting a colour.

import type { Hono } from 'hono';
import * as z from 'zod/mini';
import type { AdminHolderView, StatusChangeRequest, StatusChangeResponse } from '../../src/index.ts';
import { requireWriteRole } from '../auth/operator.ts';
import { toCheckin } from '../db/checkins.ts';
import type { Db } from '../db/client.ts';
import { loadHistory } from '../db/history.ts';
import { findHolderById } from '../db/holders.ts';
import type { HolderRow } from '../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { colorSchema, holderIdSchema, reasonSchema } from '../schemas.ts';
import { applyStatus } from '../status/apply.ts';
import { checkinWindowStart, currentStatus } from '../status/plan.ts';
import { statusView } from '../status/view.ts';
import { jsonBody, pathParams } from '../validate.ts';

const holderParams = z.object({ holderId: holderIdSchema });
const statusBody: z.ZodMiniType<StatusChangeRequest, unknown> = z.strictObject({ color: colorSchema, reason: reasonSchema });

export function registerAdminHolderRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/admin/holders/:holderId', pathParams(holderParams), async (c) => {
    const { db, config, now } = c.var;
    const holder = await holderOr404(db, c.var.params.holderId);
    const history = await loadHistory(db, holder.id);
    const fromDay = checkinWindowStart(holder, config.policy);
    const status = currentStatus(holder, history.checkins.filter((r) => r.day >= fromDay).map(toCheckin), now, config.policy);
    c.header('Cache-Control', 'no-store');
    return c.json({
      holderId: holder.id,
      sub: holder.sub,
      maskedName: holder.maskedName,
      createdAt: holder.createdAt,
      // `status` is what the rules say now; `recorded` is the materialised row, which lags until
      // the cron (or the next write) records a rule release.
      status: statusView(status),
      recorded: { color: holder.color, since: holder.since, until: holder.until, version: holder.statusVersion },
      events: history.events.map((e) => ({ id: e.id, at: e.at, color: e.color, source: e.source, actor: e.actor, reason: e.reason })),
      checkins: history.checkins.map((r) => ({ day: r.day, at: r.at, symptoms: r.symptoms, temperature: r.temperature })),
    } satisfies AdminHolderView);
  });

  app.put('/v1/admin/holders/:holderId/status', requireWriteRole, pathParams(holderParams), jsonBody(statusBody), async (c) => {
    const { db, config, now, operator, state, body } = c.var;
    const holder = await holderOr404(db, c.var.params.holderId);
    const result = await applyStatus(db, holder, {
      now,
      policy: config.policy,
      ruleActor: `operator:${operator.name}`,
      audit: { action: 'status.set' },
      onlyWithRequest: true,
      decide: (current) =>
        current.color === body.color
          ? undefined
          : { to: body.color, source: 'operator', actorType: 'operator', actor: operator.name, reason: body.reason },
      onRevocation: () => state.feedHead.invalidate(),
    });
    return c.json({ holderId: holder.id, changed: result.written, status: statusView(result.plan.after) } satisfies StatusChangeResponse);
  });
}

async function holderOr404(db: Db, holderId: string): Promise<HolderRow> {
  const holder = await findHolderById(db, holderId);
  if (!holder) throw new ApiError(404, 'not_found', 'No holder with this id.');
  return holder;
}
