// Every operational limit and cache lifetime of the Worker, in one place. Not configuration an
// operator sets per deployment: changing one changes documented behaviour (docs/api.md,
// docs/revocation-feed.md, docs/scale.md), so it is a code change with its tests.

/** Operational limits and cache lifetimes; documented in docs/api.md and docs/revocation-feed.md. */
export const TUNABLES = {
  /** JSON request bodies (enrolment, check-in, status change). */
  maxJsonBodyBytes: 16 * 1024,
  /** Import files: rows beyond this are refused with 413 (split the file). */
  maxImportBytes: 2 * 1024 * 1024,
  maxImportRows: 5000,
  /** Holders written per D1 batch by the import and the cron. */
  writeBatchHolders: 25,
  /** D1 allows at most 100 bound parameters per query. */
  maxBoundParameters: 100,
  /** The in-isolate trust-list cache; an install in this isolate refreshes it at once. */
  trustListCacheSeconds: 30,
  /** The in-isolate feed head cache that lets a matching If-None-Match skip D1. */
  feedHeadCacheSeconds: 5,
  feedMaxAgeSeconds: 30,
  feedStaleWhileRevalidateSeconds: 60,
  /** A delta carries at most this many window indices; the verifier asks again from its toSeq. */
  feedMaxDeltaEntries: 50_000,
  /** Indices one snapshot query reads at most (docs/feed-privacy.md "Building a snapshot in bounded pieces"). */
  feedSnapshotPageRows: 5_000,
  /** Revocation rows are pruned once their revokedBefore is this many token lifetimes old. */
  revocationRetentionLifetimes: 2,
  tokenCacheEntries: 10_000,
  /**
   * A downgrade at T revokes tokens with iat <= T + this margin, and tokens for any status begin
   * at its since + margin + 1: covers a token request that read the old status just before the
   * downgrade committed, and clock differences between isolates (worker/tokens/issue.ts).
   */
  revocationMarginSeconds: 5,
  /**
   * Token windows are computed from now minus this much, so a token signed from a read replica
   * that has not yet seen a downgrade (lagging by up to this + the margin) still has an iat the
   * downgrade's revocation covers (worker/tokens/issue.ts).
   */
  replicaLagAllowanceSeconds: 60,
  /**
   * Days of check-ins kept beyond the longest isolation + check-in run of the policy: a release
   * the cron records late, and an appeal reviewed with its check-ins (worker/retention/windows.ts).
   */
  checkinRetentionMarginDays: 7,
  /** Rows one retention statement deletes at most (one index range, one D1 query). */
  retentionChunkRows: 5_000,
  /**
   * Rows the cron deletes per table per run at most, sized in docs/scale.md "Retention": with a
   * run every 5 minutes (288 a day) check-ins drain at up to 115 M a day, 1.6x the 70 M a day
   * of every holder checking in daily.
   */
  retentionMaxRowsPerRun: {
    checkins: 400_000,
    statusEvents: 50_000,
    auditLog: 50_000,
    revocations: 50_000,
    pending: 50_000,
    // Downgrades of 1 % of 70 M holders a day list 0.7 M × 6 indices: 15 000 a run, here 6.8x that.
    windowRevocations: 100_000,
    // Four windows a day leave the feed; a run that finds more has a backlog of idle days.
    windowDomains: 100,
  },
  /**
   * Outbox revocations the cron copies into the feed per run, shared out over the holder
   * databases (worker/feed/forward.ts). Normally the outboxes are empty (each change is copied
   * by its own request); this drains a backlog at 5.8 M a day without nearing D1's 1000 queries
   * per invocation (docs/scale.md "Imports and the cron").
   */
  cronForwardRows: 20_000,
  /** Outbox rows are kept this long after they were written, once copied, for an operator who checks one. */
  outboxKeepSeconds: 86_400,
  /** Red/yellow holders the cron re-derives per run, in pages. */
  cronMaxHolders: 5000,
  cronPageSize: 50,
  /**
   * Holder databases an operator read (audit log, counts, lookups by pseudonym) or an import asks
   * at once, and how long each may take before the answer is an error naming it
   * (worker/shards/fan-out.ts, docs/scale.md "When a shard fails").
   */
  fanOutConcurrency: 8,
  shardDeadlineMs: 10_000,
  /** A console session (worker/auth/staff-session.ts) lasts one working shift, then signs in again. */
  staffSessionSeconds: 8 * 3600,
} as const;
