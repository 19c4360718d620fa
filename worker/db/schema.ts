// The issuer's D1 schema (drizzle sqlite-core). `npm run db:generate` turns changes here into
// numbered SQL migrations under worker/migrations, which are committed and applied by
// `wrangler d1 migrations apply` (and by the Worker test setup).
//
// Invariant kept by worker/db/status-writes.ts: the holders row is the materialised result of the
// holder's latest status_events row, and both change in the same D1 batch as the audit_log row.
// Events older than the audit retention are pruned (worker/retention/); the holder row stays.

import { sql } from 'drizzle-orm';
import { check, customType, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** BLOB as Uint8Array. D1 hands blobs back as ArrayBuffer (or number[] from older runtimes). */
const bytes = customType<{ data: Uint8Array; driverData: ArrayBuffer | Uint8Array | number[] }>({
  dataType: () => 'blob',
  toDriver: (value) => value.slice().buffer as ArrayBuffer,
  fromDriver: (value) => (value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer | number[])),
});

const COLOR_CHECK = (column: string) => sql.raw(`${column} in ('green', 'yellow', 'red')`);

export const holders = sqliteTable(
  'holders',
  {
    /** Public holder id (16 base32 characters, random): what operators and the holder refer to. */
    id: text('id').primaryKey(),
    /**
     * A random 8-character pseudonym (src/sub-id.ts), unique. Tokens no longer carry it (their
     * window index replaces it, docs/feed-privacy.md); operators still see it in the console.
     */
    sub: text('sub').notNull().unique(),
    /** HMAC-SHA-256(ID_HMAC_KEY, normalised idNumber), 32 bytes. The idNumber itself is never stored. */
    idHash: bytes('id_hash').notNull().unique(),
    /** SHA-256 of the holder's current bearer secret, 32 bytes. Replaced by every later sign-in. */
    secretHash: bytes('secret_hash').notNull().unique(),
    /** SHA-256 of the secret the latest sign-in replaced: its wallet is told why it stopped working. */
    replacedSecretHash: bytes('replaced_secret_hash').unique(),
    maskedName: text('masked_name').notNull(),
    /** From the provider's verified birth date: the token's binding (docs/token-format.md). Null only for rows made before sign-in existed. */
    birthYear: integer('birth_year'),
    color: text('color', { enum: ['green', 'yellow', 'red'] }).notNull(),
    /** When the current colour began (the latest status event's `at`). */
    since: integer('since').notNull(),
    /**
     * Red/yellow: the earliest moment the rules could turn the holder green (a lower bound, see
     * deriveStatus's `until`); null when green. The cron scans holders whose `until` has passed.
     */
    until: integer('until'),
    /**
     * Red/yellow: when the isolation counts from, if an exposure earlier than `since` was given
     * (docs/status-rules.md); null otherwise. Materialises the latest event's exposed_at.
     */
    isolationFrom: integer('isolation_from'),
    /**
     * The holder's slot, `n · HOLDER_BUCKETS + bucket` with `n` from its bucket's counter
     * (bucketCounters), assigned in the enrolment batch (src/window-pseudonym.ts holderSlot).
     * Every holder has one (migration 0006 numbered the rows already there).
     */
    slot: integer('slot').unique(),
    /**
     * JSON array of the holder's revocation cuts (revokedBefore) recent enough to matter: a
     * token's revocation epoch counts those in its window (src/revocation-epoch.ts). Written with
     * the status in the same guarded update, so issuing a token reads it with the status.
     */
    revocationCuts: text('revocation_cuts'),
    /** Bumped by every status change; writes are guarded by it (optimistic concurrency). */
    statusVersion: integer('status_version').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    check('holders_color_check', COLOR_CHECK('color')),
    // Partial: only red/yellow rows have `until`, so the cron's index holds a few percent of holders.
    index('holders_due_idx').on(t.until).where(sql.raw('until is not null')),
  ],
);

export const statusEvents = sqliteTable(
  'status_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    holderId: text('holder_id')
      .notNull()
      .references(() => holders.id),
    at: integer('at').notNull(),
    color: text('color', { enum: ['green', 'yellow', 'red'] }).notNull(),
    source: text('source', { enum: ['declaration', 'operator', 'import', 'rule', 'checkin'] }).notNull(),
    actor: text('actor').notNull(),
    reason: text('reason').notNull(),
    /** Red/yellow: the exposure the isolation counts from, when earlier than `at`. */
    exposedAt: integer('exposed_at'),
  },
  (t) => [check('status_events_color_check', COLOR_CHECK('color')), index('status_events_holder_idx').on(t.holderId, t.at)],
);

export const checkins = sqliteTable(
  'checkins',
  {
    holderId: text('holder_id')
      .notNull()
      .references(() => holders.id),
    /** 'YYYY-MM-DD' in the issuer's time zone: one check-in counts per local day. */
    day: text('day').notNull(),
    at: integer('at').notNull(),
    symptoms: integer('symptoms', { mode: 'boolean' }).notNull(),
    temperature: real('temperature'),
  },
  (t) => [primaryKey({ columns: [t.holderId, t.day] })],
);

export const revocations = sqliteTable(
  'revocations',
  {
    /** AUTOINCREMENT: never reused, and D1's single writer commits them in order, so the feed's
     *  sequence numbers are gap-free as seen by readers (docs/revocation-feed.md), except for the
     *  deliberate jump after a database restore, which a restore would otherwise reuse
     *  (worker/routes/admin-revocations.ts). */
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    /** The downgrade's cut: planFeed uses it to tell a delta that is still useful from a stale one. */
    revokedBefore: integer('revoked_before').notNull(),
    createdAt: integer('created_at').notNull(),
    /** The holder database whose outbox the entry came from (binding name); null for sequence jumps. */
    origin: text('origin'),
    /** The entry's seq in that outbox: with `origin`, what makes forwarding idempotent. */
    originSeq: integer('origin_seq'),
  },
  (t) => [index('revocations_revoked_before_idx').on(t.revokedBefore), uniqueIndex('revocations_origin_idx').on(t.origin, t.originSeq)],
);

/**
 * The window indices a downgrade revokes (docs/feed-privacy.md "Building a snapshot in bounded
 * pieces"), each row carrying its revocations.seq: the primary key is the snapshot's keyset, the
 * seq index the delta's range. Rows of windows that left the feed are pruned (worker/retention/).
 */
export const windowRevocations = sqliteTable(
  'window_revocations',
  {
    window: integer('window').notNull(),
    epoch: integer('epoch').notNull(),
    idx: integer('idx').notNull(),
    seq: integer('seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.window, t.epoch, t.idx] }), index('window_revocations_seq_idx').on(t.seq)],
);

/** Each issuance window's permutation domain and feed key, fixed the first time the window is needed (worker/feed/window-domains.ts). */
export const windowDomains = sqliteTable('window_domains', {
  window: integer('window').primaryKey(),
  domain: integer('domain').notNull(),
  /** The feed key the window's permutations are keyed with (worker/config.ts feedKeyId). */
  keyId: text('key_id').notNull(),
});

/** The next dense number of each virtual bucket (worker/shards/buckets.ts), in the bucket's database. */
export const bucketCounters = sqliteTable('bucket_counters', {
  bucket: integer('bucket').primaryKey(),
  nextNumber: integer('next_number').notNull(),
});

/**
 * Each holder database's feed entries, written in the status change's batch and copied into the
 * home database's `revocations` and `window_revocations` by worker/feed/forward.ts (docs/scale.md
 * "One feed over many databases"). Pruned once copied and past use.
 */
export const revocationOutbox = sqliteTable('revocation_outbox', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  revokedBefore: integer('revoked_before').notNull(),
  createdAt: integer('created_at').notNull(),
  /** JSON `[[window, epoch, index], …]`: the window indices the entry revokes (worker/feed/entries.ts). */
  refs: text('refs').notNull(),
});

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorType: text('actor_type', { enum: ['operator', 'import', 'rule', 'declaration', 'holder', 'system'] }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    holderId: text('holder_id'),
    fromColor: text('from_color', { enum: ['green', 'yellow', 'red'] }),
    toColor: text('to_color', { enum: ['green', 'yellow', 'red'] }),
    reason: text('reason'),
    /** JSON object with action-specific facts; never secrets or personal data. */
    detail: text('detail'),
    /** The import run this row belongs to (imports.id), so one run's changes list together. */
    importId: text('import_id'),
  },
  (t) => [
    index('audit_log_holder_idx').on(t.holderId, t.id),
    index('audit_log_import_idx').on(t.importId, t.id),
    // The console's audit filters (worker/migrations/0004_console.sql).
    index('audit_log_at_idx').on(t.at, t.id),
    index('audit_log_actor_idx').on(t.actor, t.id),
    index('audit_log_action_idx').on(t.action, t.id),
  ],
);

/**
 * Holders per colour now, kept in the same D1 batch as every write that changes a colour
 * (worker/db/counters.ts), so the console's dashboard never counts the holders table.
 */
export const colorCounts = sqliteTable(
  'color_counts',
  {
    color: text('color', { enum: ['green', 'yellow', 'red'] }).primaryKey(),
    holders: integer('holders').notNull(),
  },
  () => [check('color_counts_color_check', COLOR_CHECK('color'))],
);

/** Per local day (the issuer's zone) and metric (worker/db/counters.ts DAILY_METRICS): a count. */
export const dailyCounts = sqliteTable(
  'daily_counts',
  {
    day: text('day').notNull(),
    metric: text('metric').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.metric] })],
);

/** One import of a key-people list: recorded as a unit, its rows' audit entries carry its id. */
export const imports = sqliteTable('imports', {
  id: text('id').primaryKey(),
  at: integer('at').notNull(),
  actor: text('actor').notNull(),
  format: text('format', { enum: ['csv', 'ndjson'] }).notNull(),
  rows: integer('rows').notNull(),
  applied: integer('applied').notNull(),
  unchanged: integer('unchanged').notNull(),
  pending: integer('pending').notNull(),
  rejected: integer('rejected').notNull(),
});

/**
 * A list row for an ID number nobody has enrolled with yet, applied the moment that person enrols
 * (worker/status/pending.ts). Keyed by the same keyed hash as holders.id_hash; the ID number is
 * never stored. Deleted when applied, superseded, or once the isolation it implies is over.
 */
export const pendingStatuses = sqliteTable(
  'pending_statuses',
  {
    idHash: bytes('id_hash').primaryKey(),
    color: text('color', { enum: ['green', 'yellow', 'red'] }).notNull(),
    reason: text('reason').notNull(),
    /** The exposure the row gave; null when none (the isolation then counts from created_at). */
    exposedAt: integer('exposed_at'),
    importId: text('import_id').notNull(),
    line: integer('line').notNull(),
    actor: text('actor').notNull(),
    createdAt: integer('created_at').notNull(),
    /** When the isolation the row implies ends: after that it can change nothing and is pruned. */
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [check('pending_statuses_color_check', COLOR_CHECK('color')), index('pending_statuses_expires_idx').on(t.expiresAt)],
);

/** A sign-in in progress (docs/identity.md "Flow"): single use, keyed by SHA-256 of its `state`. */
export const signIns = sqliteTable(
  'sign_ins',
  {
    stateHash: bytes('state_hash').primaryKey(),
    nonce: text('nonce').notNull(),
    /** PKCE code_verifier (RFC 7636 §4.1): worthless without the provider's one-time code. */
    codeVerifier: text('code_verifier').notNull(),
    /** JSON of the holder's declaration, applied when the sign-in completes. */
    declaration: text('declaration').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sign_ins_expires_idx').on(t.expiresAt)],
);

/** Exactly as docs/architecture.md "Keys and the trust list at run time" specifies. */
export const trustLists = sqliteTable('trust_lists', {
  version: integer('version').primaryKey(),
  cose: bytes('cose').notNull(),
  issuedAt: integer('issued_at').notNull(),
  installedAt: integer('installed_at').notNull(),
});

export type HolderRow = typeof holders.$inferSelect;
export type StatusEventRow = typeof statusEvents.$inferSelect;
export type CheckinRow = typeof checkins.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
export type PendingStatusRow = typeof pendingStatuses.$inferSelect;
export type SignInRow = typeof signIns.$inferSelect;
