// Operator routes on one holder: finding them (by holder id, by ID number, by the pseudonym `sub`
// shown at a checkpoint), their status with the run of check-ins, list entries and full history,
// and setting a colour. Every lookup is audited as a read (docs/api.md).

import type { Hono } from 'hono';
import * as z from 'zod/mini';
import {
  type AdminHolderView,
  type CodeReference,
  checkExposure,
  EXPOSURE_REJECTION_MESSAGES,
  type HolderLookupResponse,
  type StatusChangeRequest,
  type StatusChangeResponse,
} from '../../src/index.ts';
import { requireWriteRole } from '../auth/operator.ts';
import type { FeedKeys } from '../config.ts';
import { insertAudit } from '../db/audit.ts';
import type { Db } from '../db/client.ts';
import { loadHistory } from '../db/history.ts';
import { findHolderById, findHolderByIdHash, findHolderBySlot } from '../db/holders.ts';
import { findPending } from '../db/pending.ts';
import type { HolderRow } from '../db/schema.ts';
import type { AppEnv, AppVariables } from '../env.ts';
import { ApiError } from '../errors.ts';
import { slotOfCode } from '../feed/code-lookup.ts';
import { requestFeedWriter } from '../feed/writer.ts';
import { hashIdNumber } from '../holders/identity.ts';
import { holderLookupBody } from '../holders/schemas.ts';
import { checkIdNumber, idNumberProblem } from '../identity/id-number.ts';
import { colorSchema, exposedAtSchema, holderIdSchema, reasonSchema } from '../schemas.ts';
import { HOLDER_BUCKETS } from '../shards/buckets.ts';
import type { Shards } from '../shards/shards.ts';
import { applyStatus } from '../status/apply.ts';
import { holderView, pendingView, statusView } from '../status/view.ts';
import { jsonBody, pathParams } from '../validate.ts';

const holderParams = z.object({ holderId: holderIdSchema });
/** exposedAt restarts the isolation at the same colour (docs/status-rules.md C6). */
const statusBody: z.ZodMiniType<StatusChangeRequest & { exposedAt?: number }, unknown> = z.strictObject({
  color: colorSchema,
  reason: reasonSchema,
  exposedAt: z.optional(exposedAtSchema),
});

export function registerAdminHolderRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/admin/holders/:holderId', pathParams(holderParams), async (c) => {
    const shard = c.var.shards.ofHolderId(c.var.params.holderId);
    const holder = await findHolderById(shard.db, c.var.params.holderId);
    await auditLookup(c.var, shard.db, 'holderId', holder);
    if (!holder) throw new ApiError(404, 'not_found', 'No holder with this id.');
    c.header('Cache-Control', 'no-store');
    return c.json(await viewOf(c.var, shard.db, holder));
  });

  // POST, not GET: an ID number must not sit in a URL, where proxies and logs keep it.
  app.post('/v1/admin/holders/lookup', jsonBody(holderLookupBody), async (c) => {
    const { shards, config, now, body } = c.var;
    let found: { holder: HolderRow | undefined; db: Db };
    if ('idNumber' in body) {
      // A number no one could sign in with is a typo, not a person: say so instead of "not found".
      const checked = checkIdNumber(body.idNumber, config.idNumberRule);
      if (!checked.ok) throw new ApiError(400, 'validation_failed', `idNumber: ${idNumberProblem(config.idNumberRule, checked.reason)}`);
      const idHash = await hashIdNumber(config.idHmacKey, body.idNumber);
      const { db } = shards.ofIdHash(idHash);
      found = { holder: await findHolderByIdHash(db, idHash), db };
    } else {
      // The code's window domain is in the home database; its slot names the bucket, so one holder database.
      found = await findHolderByCode(shards, config.feedKeys, body.code);
    }
    const { holder, db } = found;
    const listHash = 'idNumber' in body ? await hashIdNumber(config.idHmacKey, body.idNumber) : holder?.idHash;
    const kept = listHash === undefined ? undefined : await findPending(db, listHash, now);
    const entries = kept ? [kept] : [];
    await auditLookup(c.var, db, 'idNumber' in body ? 'idNumber' : 'code', holder, entries.length);
    c.header('Cache-Control', 'no-store');
    if (!holder && entries.length === 0) throw new ApiError(404, 'not_found', 'No holder and no pending list entry for this person.');
    return c.json({
      holder: holder ? await viewOf(c.var, db, holder) : null,
      pending: entries.map(pendingView),
    } satisfies HolderLookupResponse);
  });

  app.put('/v1/admin/holders/:holderId/status', requireWriteRole, pathParams(holderParams), jsonBody(statusBody), async (c) => {
    const { config, now, operator, state, body } = c.var;
    const shard = c.var.shards.ofHolderId(c.var.params.holderId);
    const db = shard.db;
    const refused = checkExposure(body.color, body.exposedAt, now, config.policy);
    if (refused) throw new ApiError(400, 'validation_failed', `${EXPOSURE_REJECTION_MESSAGES[refused]}.`);
    const holder = await findHolderById(db, c.var.params.holderId);
    if (!holder) throw new ApiError(404, 'not_found', 'No holder with this id.');
    const result = await applyStatus(db, holder, {
      now,
      policy: config.policy,
      ruleActor: `operator:${operator.name}`,
      audit: { action: 'status.set' },
      onlyWithRequest: true,
      decide: () => ({
        to: body.color,
        source: 'operator',
        actorType: 'operator',
        actor: operator.name,
        reason: body.reason,
        exposedAt: body.exposedAt,
      }),
      feed: requestFeedWriter(config, state, c.var.shards, c.var.noteRevocation),
    });
    const decision = result.plan.decision;
    return c.json({
      holderId: holder.id,
      changed: result.written,
      // 'change', 'restart', 'unchanged' (why: 'same_status' | 'not_later') or 'lapsed'.
      outcome: { kind: decision?.kind ?? 'unchanged', ...(decision && 'why' in decision ? { why: decision.why } : {}) },
      status: statusView(result.plan.after),
    } satisfies StatusChangeResponse);
  });
}

/** The holder a scanned code was issued to, and the database it lives in (the home one when nobody). */
async function findHolderByCode(
  shards: Shards,
  feedKeys: FeedKeys,
  code: CodeReference,
): Promise<{ holder: HolderRow | undefined; db: Db }> {
  const slot = await slotOfCode(shards.home, feedKeys, code);
  if (slot === undefined) return { holder: undefined, db: shards.home };
  const { db } = shards.ofBucket(slot % HOLDER_BUCKETS);
  return { holder: await findHolderBySlot(db, slot), db };
}

type LookupVars = Pick<AppVariables, 'now' | 'config' | 'operator'>;

/** `db` is the holder's database: its history, list rows and the lookup's audit row live there. */
async function viewOf({ now, config }: LookupVars, db: Db, holder: HolderRow): Promise<AdminHolderView> {
  const history = await loadHistory(db, holder.id);
  const pending = await findPending(db, holder.idHash, now);
  return holderView(holder, history, pending ? [pending] : [], now, config.policy);
}

/** docs/api.md: who looked at whom, and how they found them; never the ID number or its hash. */
async function auditLookup(
  { now, operator }: LookupVars,
  db: Db,
  by: 'holderId' | 'idNumber' | 'code',
  holder: HolderRow | undefined,
  pending = 0,
) {
  await insertAudit(db, {
    at: now,
    actorType: 'operator',
    actor: operator.name,
    action: 'holder.lookup',
    holderId: holder?.id,
    detail: { by, found: holder !== undefined, pending, role: operator.role },
  }).run();
}
