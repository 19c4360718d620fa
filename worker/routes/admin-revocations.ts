// POST /v1/admin/revocations/sequence-jump: the step of the issuer-restore procedure that makes
// sure verifiers never miss an entry (docs/operations.md "Issuer database restored"). A restored
// database hands out sequence numbers again that verifiers already hold; an entry written under
// such a number would sit at or below a verifier's `since` and never reach it. Jumping the
// sequence past everything handed out before puts every new entry above every verifier.

import type { Hono } from 'hono';
import * as z from 'zod/mini';
import type { SequenceJumpRequest, SequenceJumpResponse } from '../../src/index.ts';
import { requireWriteRole } from '../auth/operator.ts';
import { insertAudit } from '../db/audit.ts';
import { insertSequenceJump, RESTORE_SEQUENCE_JUMP, readHeadSeq } from '../db/revocations.ts';
import type { AppEnv } from '../env.ts';
import { reasonSchema } from '../schemas.ts';
import { jsonBody } from '../validate.ts';

const jumpBody: z.ZodMiniType<SequenceJumpRequest, unknown> = z.strictObject({ reason: reasonSchema });

export function registerAdminRevocationRoutes(app: Hono<AppEnv>): void {
  app.post('/v1/admin/revocations/sequence-jump', requireWriteRole, jsonBody(jumpBody), async (c) => {
    const { db, now, operator, state, body } = c.var;
    const previousHead = await readHeadSeq(db);
    const head = previousHead + RESTORE_SEQUENCE_JUMP;
    await db.batch([
      insertSequenceJump(db, head, now),
      insertAudit(db, {
        at: now,
        actorType: 'operator',
        actor: operator.name,
        action: 'revocations.sequence_jump',
        reason: body.reason,
        detail: { previousHead, head },
      }),
    ]);
    state.feedHead.invalidate();
    c.header('Cache-Control', 'no-store');
    return c.json({ previousHead, head } satisfies SequenceJumpResponse);
  });
}
