// What the Worker may write to its log about an unexpected error: never its message. Messages
// carry data: drizzle's DrizzleQueryError spells out "Failed query: … params: …" (secret, ID and
// phone hashes, masked names), D1 type errors quote values, JSON errors quote input. So a log
// line names the error types along the cause chain, a D1 failure only by a whitelisted shape
// (constraint and schema failures name tables and columns, never values), and the stack frames.

import { DrizzleQueryError } from 'drizzle-orm/errors';

/** D1/SQLite messages that name only schema objects; anything else is reported by type alone. */
const SAFE_D1_MESSAGES = [
  /^(?:D1_ERROR: )?(?:UNIQUE|NOT NULL|CHECK|FOREIGN KEY|PRIMARY KEY) constraint failed(?:: [a-z_]+\.[a-z_]+(?:, [a-z_]+\.[a-z_]+)*)?/,
  /^(?:D1_ERROR: )?no such (?:table|column|index): [a-z_.]+/,
];
const MAX_CAUSES = 4;

export function describeForLog(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < MAX_CAUSES && e !== undefined && e !== null; depth++, e = (e as { cause?: unknown }).cause) {
    if (!(e instanceof Error)) {
      parts.push(typeof e);
      break;
    }
    if (e instanceof DrizzleQueryError) {
      parts.push('DrizzleQueryError (a D1 query failed)');
      continue;
    }
    const safe = SAFE_D1_MESSAGES.map((re) => re.exec(e instanceof Error ? e.message : '')?.[0]).find((m) => m !== undefined);
    parts.push(safe ? `${e.name}: ${safe}` : e.name);
  }
  const top = err instanceof Error ? stackFrames(err) : '';
  return `${parts.join(' caused by ')}${top ? `\n${top}` : ''}`;
}

/** Only the "    at …" lines: the first lines of a stack repeat the message. */
function stackFrames(err: Error): string {
  return (err.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8)
    .join('\n');
}
