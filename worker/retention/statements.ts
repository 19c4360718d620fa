// The retention pass's delete statements (worker/retention/prune.ts), with no imports so the
// benchmark (bench/retention-delete.ts) measures exactly these.
//
// Check-ins, status events and audit rows are appended in time order, so the oldest rows are the
// lowest rowids: each statement deletes the old rows among the next `?1` rowids from the lowest
// one left, a primary-key range. A row out of order (a release recorded late carries the earlier
// moment it happened) is at most the cron backlog older than its neighbours; it is deleted once
// the rows before it are, never before its own cutoff.

/** Rowid ranges from the lowest rowid left: `?1` rows wide, rows older than `?2` only. */
export const OLDEST_FIRST = {
  checkins:
    'delete from checkins where rowid >= (select min(rowid) from checkins) and rowid < (select min(rowid) from checkins) + ?1 and day < ?2',
  statusEvents:
    'delete from status_events where id >= (select min(id) from status_events) and id < (select min(id) from status_events) + ?1 and at < ?2',
  auditLog: 'delete from audit_log where id >= (select min(id) from audit_log) and id < (select min(id) from audit_log) + ?1 and at < ?2',
  // pending_statuses_expires_idx: the expired rows are a range of the index.
  pending:
    'delete from pending_statuses where id_hash in (select id_hash from pending_statuses where expires_at <= ?2 order by expires_at limit ?1)',
} as const;

export type PrunedTable = keyof typeof OLDEST_FIRST;

/** The SQL of one pruning statement, for the query-plan test and the benchmark. */
export function pruneStatementSql(table: PrunedTable): string {
  return OLDEST_FIRST[table];
}
