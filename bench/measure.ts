// Measurement helpers for `npm run bench`. Machines here are shared and noisy, so every figure
// that matters is a ratio against a baseline measured in the same run, interleaved round by
// round so that drift hits both sides alike.

export interface OpsSample {
  opsPerSecond: number;
  operations: number;
  seconds: number;
}

/** Runs `op` back to back (awaiting each) for about `seconds`, after a short warm-up. */
export async function measureOps(op: () => unknown, seconds: number): Promise<OpsSample> {
  const warmUntil = performance.now() + Math.min(200, seconds * 250);
  while (performance.now() < warmUntil) await op();
  let operations = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  // Check the clock every 16 operations so the timer itself stays out of the measurement.
  while (performance.now() < end) {
    for (let i = 0; i < 16; i++) await op();
    operations += 16;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { opsPerSecond: operations / elapsed, operations, seconds: elapsed };
}

export interface RatioResult {
  subject: number;
  baseline: number;
  ratio: number;
  rounds: number;
}

/** Interleaves subject and baseline for `rounds` rounds and reports medians and the median ratio. */
export async function measureRatio(
  subject: () => unknown,
  baseline: () => unknown,
  rounds: number,
  secondsPerRound: number,
): Promise<RatioResult> {
  const subj: number[] = [];
  const base: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const b = await measureOps(baseline, secondsPerRound);
    const s = await measureOps(subject, secondsPerRound);
    base.push(b.opsPerSecond);
    subj.push(s.opsPerSecond);
    ratios.push(s.opsPerSecond / b.opsPerSecond);
  }
  return { subject: median(subj), baseline: median(base), ratio: median(ratios), rounds };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
