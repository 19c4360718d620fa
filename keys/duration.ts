// Durations on the command line: "90s", "30m", "24h", "7d", or plain seconds.

import { usageError } from './errors.ts';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function parseDuration(text: string, option: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || 's']! : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) throw usageError(`${option} takes a positive duration such as 3600, 90m, 24h or 7d`);
  return seconds;
}
