// Locale-aware dates, ages and durations for the status bar, the verdict and the wallet.
import type { Language } from './i18n.ts';

// unit, its length in seconds, and how many of it make the next larger unit.
const UNITS: ['day' | 'hour' | 'minute', number, number][] = [
  ['day', 86400, Infinity],
  ['hour', 3600, 24],
  ['minute', 60, 60],
];

/**
 * "3 hr. ago" / "3小时前", "2 days ago" / "2天前"; under a minute reads "now". Always a count:
 * `numeric: 'auto'` would say "yesterday" / "前天", which for an elapsed age (30 h, 47 h) is a
 * calendar claim that can be wrong.
 */
export function formatAgo(seconds: number, language: Language): string {
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: 'always', style: 'short' });
  for (const [unit, size] of UNITS) if (Math.abs(seconds) >= size) return rtf.format(-Math.floor(seconds / size), unit);
  return new Intl.RelativeTimeFormat(language, { numeric: 'auto', style: 'short' }).format(0, 'second');
}

/** "2 d 3 h" / "2天3小时"; the two largest non-zero units, at least minutes. */
export function formatDuration(seconds: number, language: Language): string {
  const s = Math.max(0, Math.round(Math.abs(seconds)));
  const parts: string[] = [];
  for (const [unit, size, wrap] of UNITS) {
    const n = Math.floor(s / size) % wrap;
    if (n > 0 && parts.length < 2) parts.push(new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short' }).format(n));
  }
  if (parts.length === 0) return new Intl.NumberFormat(language, { style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(0);
  return parts.join(language === 'zh-CN' ? '' : ' ');
}

export function formatDateTime(seconds: number, language: Language): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(seconds * 1000));
}
