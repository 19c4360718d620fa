// Calendar arithmetic in the issuer's time zone, through Intl only (no tz database of our own).
// "One check-in per day" and "14 days of isolation" are local-calendar ideas, so they must be
// computed in the zone, including across daylight-saving changes.

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws RangeError for a zone name the runtime does not know. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

export function wallTime(instant: number, timeZone: string): WallTime {
  const parts = formatter(timeZone).formatToParts(new Date(instant * 1000));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

function wallAsUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) / 1000;
}

function offsetAt(instant: number, timeZone: string): number {
  return wallAsUtc(wallTime(instant, timeZone)) - instant;
}

/**
 * The instant a wall-clock time names in a zone. In a repeated hour (autumn) it is the earlier
 * instant; in a skipped hour (spring) the time is read with the offset before the change, which
 * lands just after the gap, as a wall clock would.
 */
export function instantOf(w: WallTime, timeZone: string): number {
  const local = wallAsUtc(w);
  const before = local - offsetAt(local - 86400, timeZone);
  const after = local - offsetAt(local + 86400, timeZone);
  const valid = [before, after].filter((t) => offsetAt(t, timeZone) === local - t);
  return valid.length > 0 ? Math.min(...valid) : before;
}

/** "YYYY-MM-DD" of the instant in the zone. */
export function localDate(instant: number, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** The same wall-clock time `days` calendar days later (so 14 days may be 335 or 337 hours). */
export function addLocalDays(instant: number, days: number, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  const shifted = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return instantOf({ ...w, year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() }, timeZone);
}

export function startOfLocalDate(date: string, timeZone: string): number {
  const [year, month, day] = parseDate(date);
  return instantOf({ year, month, day, hour: 0, minute: 0, second: 0 }, timeZone);
}

/** Calendar arithmetic on "YYYY-MM-DD" strings; zone-free. */
export function shiftDate(date: string, days: number): string {
  const [year, month, day] = parseDate(date);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function parseDate(date: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new TypeError(`not a YYYY-MM-DD date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
