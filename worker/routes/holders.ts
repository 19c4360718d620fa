// Holder routes: enrolment, token, check-in (docs/api.md).

import type { Hono } from 'hono';
import type { CheckinResponse, EnrolResponse, TokenResponse } from '../../src/index.ts';
import { requireHolderSecret } from '../auth/holder.ts';
import type { AppEnv } from '../env.ts';
import { recordCheckin } from '../holders/checkin.ts';
import { enrol } from '../holders/enrol.ts';
import { hashIdNumber, hashPhone, maskName } from '../holders/identity.ts';
import { checkinBody, enrolBody } from '../holders/schemas.ts';
import { limitEnrolmentByAddress, limitTokenByHolder } from '../rate-limit.ts';
import { loadStatusInputs } from '../status/apply.ts';
import { currentStatus } from '../status/plan.ts';
import { statusView } from '../status/view.ts';
import { activeSigner } from '../trust/signer.ts';
import { jsonBody } from '../validate.ts';

export function registerHolderRoutes(app: Hono<AppEnv>): void {
  // Rate-limited before the body is even read: enrolment is the route anyone can call.
  app.post('/v1/holders', limitEnrolmentByAddress, jsonBody(enrolBody), async (c) => {
    const { config, db, now, state } = c.var;
    const body = c.var.body;
    // Refuse before writing anything if no token could be signed (docs/architecture.md).
    const active = await activeSigner(() => db, config, state.trust, now);
    const enrolment = await enrol(
      db,
      config.policy,
      now,
      {
        idHash: await hashIdNumber(config.idHmacKey, body.idNumber),
        maskedName: maskName(body.name),
        phoneHash: body.phone === undefined ? null : await hashPhone(config.idHmacKey, body.phone),
        declaration: body.declaration,
      },
      () => state.feedHead.invalidate(),
    );
    const { holder, status } = enrolment;
    const issued = await state.tokens.issue(
      { issuer: config.issuer, sub: holder.sub, maskedName: holder.maskedName, status, lifetimeSeconds: config.tokenLifetimeSeconds, now },
      active,
    );
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        holderId: holder.id,
        secret: enrolment.secret,
        status: statusView(status),
        token: issued.token,
        exp: issued.claims.exp,
      } satisfies EnrolResponse,
      enrolment.created ? 201 : 200,
    );
  });

  // Read-only, so it may run on a D1 read replica: token fetches are the morning peak.
  app.get('/v1/holders/me/token', requireHolderSecret('replica'), limitTokenByHolder, async (c) => {
    const { config, now, state, holder } = c.var;
    const readDb = c.var.readDb();
    const active = await activeSigner(() => readDb, config, state.trust, now);
    // Lazy evaluation: a holder sees green the moment the rules allow it, before the cron runs.
    const status = currentStatus(holder, await loadStatusInputs(readDb, holder, config.policy, now, 'read'), now, config.policy);
    const issued = await state.tokens.issue(
      { issuer: config.issuer, sub: holder.sub, maskedName: holder.maskedName, status, lifetimeSeconds: config.tokenLifetimeSeconds, now },
      active,
    );
    c.header('Cache-Control', 'no-store');
    return c.json({
      token: issued.token,
      color: status.color,
      iat: issued.claims.iat,
      exp: issued.claims.exp,
      status: statusView(status),
    } satisfies TokenResponse);
  });

  app.post('/v1/holders/me/checkins', requireHolderSecret('primary'), jsonBody(checkinBody), async (c) => {
    const { config, db, now, state, holder, body } = c.var;
    const outcome = await recordCheckin(db, config.policy, now, holder, body, () => state.feedHead.invalidate());
    c.header('Cache-Control', 'no-store');
    return c.json(
      { day: outcome.day, counted: outcome.counted, status: statusView(outcome.status) } satisfies CheckinResponse,
      outcome.counted ? 201 : 200,
    );
  });
}
