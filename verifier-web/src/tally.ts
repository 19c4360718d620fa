// A per-day count of results. Counts only: no names, pseudonyms or code text ever enter it.
import type { TallyBucket } from './verdict.ts';

export const TALLY_BUCKETS: readonly TallyBucket[] = ['green', 'yellow', 'red', 'refer', 'invalid'];
export type DayCounts = Record<TallyBucket, number>;
/** Local calendar day "YYYY-MM-DD" -> counts. */
export type Tally = Record<string, DayCounts>;

const STORAGE_KEY = 'tricolor.tally';

/** The device's local calendar day: a checkpoint's "today" is where it stands. */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function addToTally(tally: Tally, day: string, bucket: TallyBucket): Tally {
  const counts: DayCounts = { green: 0, yellow: 0, red: 0, refer: 0, invalid: 0, ...tally[day] };
  counts[bucket] += 1;
  return { ...tally, [day]: counts };
}

export function tallyToCsv(tally: Tally): string {
  const lines = [`date,${TALLY_BUCKETS.join(',')},total`];
  for (const day of Object.keys(tally).sort()) {
    const counts = tally[day]!;
    const values = TALLY_BUCKETS.map((b) => counts[b] ?? 0);
    lines.push([day, ...values, values.reduce((a, b) => a + b, 0)].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function loadTally(): Tally {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
    return raw && typeof raw === 'object' ? (raw as Tally) : {};
  } catch {
    return {};
  }
}

export function saveTally(tally: Tally): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(tally));
  } catch {
    // the count is lost for this result; never block a scan over it
  }
}
