// docs/status-rules.md and the tests must match one for one: every row id in the table names
// exactly one test ("R3: …", "C6: …"), and every such test has its row.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

it('has one test per row of the status rules table, and a row for every rule test', () => {
  const rows = [...read('docs/status-rules.md').matchAll(/^\| ([RC]\d+) +\|/gm)].map((m) => m[1]!);
  const tests = [
    ...read('test/core/status-rules.test.ts').matchAll(/\bit\('([RC]\d+): /g),
    ...read('test/core/status-changes.test.ts').matchAll(/\bit\('([RC]\d+): /g),
  ].map((m) => m[1]!);
  expect(rows.length).toBeGreaterThan(10);
  expect([...tests].sort()).toEqual([...rows].sort());
});
