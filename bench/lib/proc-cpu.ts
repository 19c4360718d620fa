// CPU time of a process group, per process and per thread, from /proc (Linux): what a local
// Worker (wrangler and its workerd) really used while a load ran, so a bench can show whether
// work spread over cores or ran on one thread. Times are in clock ticks (USER_HZ, 100 on Linux).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

export interface ThreadCpu {
  key: string;
  name: string;
  ticks: number;
}

export interface GroupSample {
  at: number;
  threads: Map<string, ThreadCpu>;
}

/** Fields after the parenthesised command name (which may contain spaces). */
function statFields(text: string): { name: string; fields: string[] } {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  return { name: text.slice(open + 1, close), fields: text.slice(close + 2).split(' ') };
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process or thread ended between listing and reading
  }
}

/** Every thread of every process whose process group is `pgid`, with its CPU ticks so far. */
export function sampleGroup(pgid: number): GroupSample {
  const threads = new Map<string, ThreadCpu>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const stat = readOrUndefined(`/proc/${pid}/stat`);
    if (!stat) continue;
    const { name: processName, fields } = statFields(stat);
    // fields[0] is state, [1] ppid, [2] pgrp; utime and stime are the 14th and 15th stat fields.
    if (Number(fields[2]) !== pgid) continue;
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const t = readOrUndefined(`/proc/${pid}/task/${tid}/stat`);
      if (!t) continue;
      const { name, fields: f } = statFields(t);
      threads.set(`${pid}/${tid}`, { key: `${pid}/${tid}`, name: `${processName}[${pid}]:${name}`, ticks: Number(f[11]) + Number(f[12]) });
    }
  }
  return { at: performance.now(), threads };
}

export interface GroupUsage {
  seconds: number;
  /** CPU seconds over wall seconds: 1.0 is one core busy the whole time. */
  cores: number;
  /** The busiest thread's share of one core, and its name (process[pid]:thread). */
  busiestThread: { name: string; cores: number };
  /** The three busiest threads. */
  topThreads: { name: string; cores: number }[];
  /** Threads that used at least 5 % of a core. */
  busyThreads: number;
  /** CPU cores used, by process name (wrangler's node, workerd). */
  byProcess: Record<string, number>;
}

export function usageBetween(before: GroupSample, after: GroupSample): GroupUsage {
  const seconds = (after.at - before.at) / 1000;
  let total = 0;
  let busiest = { name: 'none', cores: 0 };
  let busyThreads = 0;
  const byProcess: Record<string, number> = {};
  const all: { name: string; cores: number }[] = [];
  for (const [key, t] of after.threads) {
    const cores = (t.ticks - (before.threads.get(key)?.ticks ?? 0)) / TICKS_PER_SECOND / seconds;
    total += cores;
    all.push({ name: t.name, cores });
    if (cores > busiest.cores) busiest = { name: t.name, cores };
    if (cores >= 0.05) busyThreads++;
    const processName = t.name.split(':')[0]!;
    byProcess[processName] = (byProcess[processName] ?? 0) + cores;
  }
  const topThreads = all.sort((a, b) => b.cores - a.cores).slice(0, 3);
  return { seconds, cores: total, busiestThread: busiest, topThreads, busyThreads, byProcess };
}
