// Enrolment, the only way a holder comes to be or gets a new secret: a sign-in at the trusted
// identity provider (docs/identity.md) hands over a verified person. A new ID number creates a
// holder; a known one reaches the same holder, its history kept, with a NEW secret (the old one
// stops working at once and is remembered only to tell its wallet why), and the new declaration
// applied only if it is stricter than the current colour.

import {
  type Color,
  colorForDeclaration,
  type Declaration,
  type DerivedStatus,
  generateSubId,
  isDowngrade,
  localDate,
  type StatusPolicy,
} from '../../src/index.ts';
import { newHolderId, newHolderSecret, sha256 } from '../crypto.ts';
import { insertAudit, insertAuditIfChanged } from '../db/audit.ts';
import { takeNumberQuery, takenSlotSql } from '../db/bucket-counters.ts';
import type { Db } from '../db/client.ts';
import { addHolderQuery, bumpDailyQuery, transitionMetric } from '../db/counters.ts';
import { uniqueViolation } from '../db/errors.ts';
import { findHolderByIdHash } from '../db/holders.ts';
import { type HolderRow, holders, statusEvents } from '../db/schema.ts';
import { DomainError } from '../domain-errors.ts';
import type { FeedWriter } from '../feed/writer.ts';
import { bucketOfIdHash, HOLDER_BUCKETS } from '../shards/buckets.ts';
import { applyStatus } from '../status/apply.ts';
import { applyLatePending, startingStatus } from '../status/pending.ts';

/** A person the identity provider verified, reduced to what the issuer keeps (./identity.ts). */
export interface EnrolInput {
  idHash: Uint8Array;
  maskedName: string;
  birthYear: number;
  declaration: Declaration;
}

export interface Enrolment {
  created: boolean;
  holder: HolderRow;
  status: DerivedStatus;
  /** Returned once; only its hash is stored. */
  secret: string;
}

/** New holders whose random sub (40 bits) or id collides are retried with fresh values. */
const INSERT_ATTEMPTS = 4;

export async function enrol(
  db: Db,
  policy: StatusPolicy,
  now: number,
  secretKey: Uint8Array,
  input: EnrolInput,
  feed: FeedWriter,
): Promise<Enrolment> {
  const bucket = bucketOfIdHash(input.idHash);
  const secret = await newHolderSecret(secretKey, bucket);
  const secretHash = await sha256(secret);
  const declared = colorForDeclaration(input.declaration, policy);
  for (let attempt = 1; attempt <= INSERT_ATTEMPTS; attempt++) {
    const existing = await findHolderByIdHash(db, input.idHash);
    if (existing) return reenrol(db, policy, now, existing, input, declared, secret, secretHash, feed);
    try {
      return await createHolder(db, policy, now, input, declared, secret, secretHash, bucket, feed);
    } catch (err) {
      const column = uniqueViolation(err);
      // holders.id_hash: a concurrent enrolment of the same person won; loop to re-enrol.
      // holders.sub / holders.id: a random collision; loop with fresh values.
      if (column === undefined || column === 'holders.secret_hash') throw err;
    }
  }
  throw new DomainError('conflict', 'Enrolment could not complete; try again.');
}

async function createHolder(
  db: Db,
  policy: StatusPolicy,
  now: number,
  input: EnrolInput,
  declared: Color,
  secret: string,
  secretHash: Uint8Array,
  bucket: number,
  feed: FeedWriter,
): Promise<Enrolment> {
  // A key-people list row kept for this ID number applies now, in the same batch.
  const start = await startingStatus(db, policy, now, input.idHash, declared);
  const status = start.status;
  const holder: HolderRow = {
    id: newHolderId(bucket),
    sub: generateSubId(),
    idHash: input.idHash,
    secretHash,
    replacedSecretHash: null,
    maskedName: input.maskedName,
    birthYear: input.birthYear,
    color: status.color,
    since: status.since,
    until: status.until ?? null,
    isolationFrom: status.isolationFrom !== undefined && status.isolationFrom < status.since ? status.isolationFrom : null,
    statusVersion: 1,
    // Set below, from the bucket's counter, in the same batch.
    slot: null,
    revocationCuts: null,
    createdAt: now,
    updatedAt: now,
  };
  const reason = declarationReason(input.declaration);
  // One batch: the bucket's next number, the holder with the slot it gives, its first status
  // event and the audit row, any list row applied, or nothing (a lost race takes no number).
  const [, inserted] = await db.batch([
    takeNumberQuery(db, bucket),
    db
      .insert(holders)
      .values({ ...holder, slot: takenSlotSql(db, bucket, HOLDER_BUCKETS) })
      .returning({ slot: holders.slot }),
    db.insert(statusEvents).values({ holderId: holder.id, at: now, color: declared, source: 'declaration', actor: 'holder', reason }),
    insertAudit(db, {
      at: now,
      actorType: 'declaration',
      actor: 'holder',
      action: 'holder.enrol',
      holderId: holder.id,
      toColor: declared,
      reason,
    }),
    ...start.statements(holder.id),
    // The console's counters (db/counters.ts): one more holder of its colour, the declaration's transition.
    addHolderQuery(db, holder.color),
    bumpDailyQuery(db, localDate(now, policy.timeZone), transitionMetric(declared)),
  ]);
  holder.slot = inserted[0]!.slot;
  const late = await applyLatePending(db, policy, now, holder, feed);
  if (late) return { created: true, holder: late.holder, status: late.status, secret };
  return { created: true, holder, status, secret };
}

async function reenrol(
  db: Db,
  policy: StatusPolicy,
  now: number,
  existing: HolderRow,
  input: EnrolInput,
  declared: Color,
  secret: string,
  secretHash: Uint8Array,
  feed: FeedWriter,
): Promise<Enrolment> {
  // The provider verified this person, so the name and birth year are refreshed from it (a
  // registered name change reaches the token), and the replaced secret's hash is kept to tell
  // the wallet that held it why it stopped working.
  const patch = { secretHash, replacedSecretHash: existing.secretHash, maskedName: input.maskedName, birthYear: input.birthYear };
  const result = await applyStatus(db, existing, {
    now,
    policy,
    ruleActor: 'enrolment',
    audit: { action: 'holder.reenrol', detail: { declared } },
    patch,
    // The secret rotation is audited whether or not the status changes.
    gated: [
      insertAuditIfChanged(db, {
        at: now,
        actorType: 'holder',
        actor: 'holder',
        action: 'holder.secret_rotated',
        holderId: existing.id,
        detail: { declared },
      }),
    ],
    // Only stricter, or the same red/yellow again: a declaration reports an exposure now, which
    // restarts the isolation when it ends later (docs/status-rules.md).
    decide: (current) =>
      declared !== 'green' && !isDowngrade(declared, current.color)
        ? {
            to: declared,
            source: 'declaration',
            actorType: 'declaration',
            actor: 'holder',
            reason: `re-enrolment: ${declarationReason(input.declaration)}`,
            exposureNow: true,
          }
        : undefined,
    feed,
  });
  return { created: false, holder: result.holder, status: result.plan.after, secret };
}

function declarationReason(d: Declaration): string {
  const answers = [
    d.contactWithCase && 'contact with a case',
    d.symptoms && 'symptoms',
    d.fromHighRiskArea && 'from a high-risk area',
  ].filter(Boolean);
  return answers.length > 0 ? `declaration: ${answers.join(', ')}` : 'declaration: nothing to report';
}
