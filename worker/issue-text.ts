// A validation issue in plain words, for request validation (worker/validate.ts) and for the
// configuration check (worker/config.ts) alike; no HTTP here.

import type * as z from 'zod/mini';

/**
 * The issue in plain words. zod/mini ships no message locale (that is what keeps it small), so a
 * schema either gives its own message or gets one here from the issue's code.
 */
export function plainMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return issue.input === undefined ? 'is required' : `expected ${article(issue.expected)}`;
  if (issue.message && issue.message !== GENERIC_MESSAGE) return issue.message.replace(/\.$/, '');
  switch (issue.code) {
    case 'invalid_value':
      return `Invalid option: expected one of ${issue.values.map((v) => JSON.stringify(v)).join('|')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return 'is not in the expected format';
    default:
      return 'is invalid';
  }
}

/** What zod/mini says when a check has no message of its own. */
const GENERIC_MESSAGE = 'Invalid input';

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** "declaration.symptoms: expected a boolean" — the first problem, naming the field. */
export function describeIssues(error: z.core.$ZodError, where: string): string {
  const issue = error.issues[0];
  if (!issue) return `The ${where} is invalid.`;
  // Field names come from the client: shown, but cut short.
  if (issue.code === 'unrecognized_keys')
    return `${where}: unknown field ${issue.keys
      .slice(0, 3)
      .map((k) => `"${k.slice(0, 40)}"`)
      .join(', ')}.`;
  const field = issue.path.length > 0 ? issue.path.join('.') : where;
  return `${field}: ${plainMessage(issue)}.`;
}
