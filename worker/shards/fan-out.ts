// Operator reads that span every holder database (the audit log, counts per colour, imports) run
// here: in parallel, at most FAN_OUT_CONCURRENCY databases at a time, each with a deadline. The
// answer is complete or it is an error that names the database: never a silent partial answer
// (docs/scale.md "When a shard fails").

import { DomainError } from '../domain-errors.ts';
import { TUNABLES } from '../tunables.ts';
import type { Shard } from './shards.ts';

/** Runs `read` on every shard and returns the results in shard order, or throws shard_unavailable. */
export async function fanOut<T>(
  shards: readonly Shard[],
  read: (shard: Shard) => Promise<T>,
  deadlineMs: number = TUNABLES.shardDeadlineMs,
): Promise<T[]> {
  const settled = await settleEach(shards, read, { deadlineMs });
  const failed = settled.findIndex((r) => !r.ok);
  if (failed >= 0) throw unavailable(shards[failed]!, (settled[failed] as { ok: false; error: unknown }).error, deadlineMs);
  return settled.map((r) => (r as { ok: true; value: T }).value);
}

export type ShardOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Like fanOut, but every shard's own outcome, for writers that report per shard (the import).
 * Writers pass `deadlineMs: false`: a write cannot be called failed while it may still commit.
 */
export async function settleEach<T>(
  shards: readonly Shard[],
  work: (shard: Shard) => Promise<T>,
  { deadlineMs = TUNABLES.shardDeadlineMs }: { deadlineMs?: number | false } = {},
): Promise<ShardOutcome<T>[]> {
  const out: ShardOutcome<T>[] = new Array(shards.length);
  let next = 0;
  const worker = async () => {
    while (next < shards.length) {
      const i = next++;
      try {
        const running = work(shards[i]!);
        out[i] = { ok: true, value: await (deadlineMs === false ? running : withDeadline(running, deadlineMs)) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(TUNABLES.fanOutConcurrency, shards.length) }, worker));
  return out;
}

export function unavailable(shard: Shard, error: unknown, deadlineMs: number = TUNABLES.shardDeadlineMs): DomainError {
  const why = error instanceof DeadlineExceeded ? `did not answer within ${deadlineMs / 1000} s` : 'failed';
  return new DomainError(
    'shard_unavailable',
    `Holder database ${shard.name} ${why}; nothing was answered from a partial set. Try again.`,
    5,
  );
}

class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
