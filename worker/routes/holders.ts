// Holder routes: token and check-in (docs/api.md). A holder comes to be only through sign-in at
// the identity provider (./auth.ts); there is no route that takes an ID number.

import type { Hono } from 'hono';
import type { CheckinResponse, TokenResponse } from '../../src/index.ts';
import { requireHolderSecret } from '../auth/holder.ts';
import type { AppEnv } from '../env.ts';
import { parseCuts } from '../feed/entries.ts';
import { domainSources, requestFeedWriter } from '../feed/writer.ts';
import { recordCheckin } from '../holders/checkin.ts';
import { checkinBody } from '../holders/schemas.ts';
import { limitCheckinByHolder, limitTokenByHolder } from '../rate-limit.ts';
import { loadStatusInputs } from '../status/apply.ts';
import { currentStatus } from '../status/plan.ts';
import { statusView } from '../status/view.ts';
import { activeSigner } from '../trust/signer.ts';
import { jsonBody } from '../validate.ts';

export function registerHolderRoutes(app: Hono<AppEnv>): void {
  // Read-only, so it may run on a D1 read replica: token fetches are the morning peak.
  app.get('/v1/holders/me/token', requireHolderSecret('replica'), limitTokenByHolder, async (c) => {
    const { config, now, state, holder, holderShard } = c.var;
    const active = await activeSigner(c.var.readDb, config, state.trust, now);
    const readDb = holderShard.readDb();
    // Lazy evaluation: a holder sees green the moment the rules allow it, before the cron runs.
    const status = currentStatus(holder, await loadStatusInputs(readDb, holder, config.policy, now, 'read'), now, config.policy);
    if (holder.slot === null) throw new Error('holder without a slot');
    // A window's domain is read from the home database (a replica will do: it never changes once fixed).
    const domains = domainSources(config, c.var.shards, c.var.readDb);
    const issued = await state.tokens.issue(
      {
        issuer: config.issuer,
        maskedName: holder.maskedName,
        birthYear: holder.birthYear,
        status,
        slot: holder.slot,
        cuts: parseCuts(holder.revocationCuts),
        lifetimeSeconds: config.tokenLifetimeSeconds,
        now,
      },
      active,
      { windowOf: (window) => state.windowDomains.windowOf(window, domains) },
    );
    c.header('Cache-Control', 'no-store');
    return c.json({
      holderId: holder.id,
      token: issued.token,
      color: status.color,
      iat: issued.claims.iat,
      exp: issued.claims.exp,
      status: statusView(status),
      // The zone whose calendar days count check-ins, so the wallet can name it with `until`.
      timeZone: config.policy.timeZone,
    } satisfies TokenResponse);
  });

  app.post('/v1/holders/me/checkins', requireHolderSecret('primary'), limitCheckinByHolder, jsonBody(checkinBody), async (c) => {
    const { config, now, state, holder, holderShard, body } = c.var;
    const outcome = await recordCheckin(
      holderShard.db,
      config.policy,
      now,
      holder,
      body,
      requestFeedWriter(config, state, c.var.shards, c.var.noteRevocation),
    );
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        day: outcome.day,
        counted: outcome.counted,
        ...(outcome.notCounted ? { notCounted: outcome.notCounted } : {}),
        clean: outcome.clean,
        replacedEarlier: outcome.replacedEarlier,
        status: statusView(outcome.status),
        timeZone: config.policy.timeZone,
      } satisfies CheckinResponse,
      outcome.counted ? 201 : 200,
    );
  });
}
