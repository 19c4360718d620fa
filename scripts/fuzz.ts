// `npm run fuzz -- --runs N`: the property and hostile-input suites with N cases per property
// (npm test runs them with a few hundred in the core, a few dozen per HTTP property in the
// Worker). Extra arguments after the flags pick test files.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '10000' } }, allowPositionals: true });
const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 1) {
  console.error('fuzz: --runs must be a positive integer');
  process.exit(2);
}
const files =
  positionals.length > 0
    ? positionals
    : [
        'test/core/hostile-input.test.ts',
        'test/core/cbor-differential.test.ts',
        'test/core/status-set.test.ts',
        'test/interop/feed-differential.test.ts',
        'test/worker/hostile-fuzz.test.ts',
      ];
console.log(`fuzz: ${runs} runs per property over ${files.join(', ')}`);
// Worker files run inside workerd (the worker project reads FUZZ_RUNS in vitest.config.ts); the rest in Node.
const byProject = new Map<string, string[]>();
for (const file of files) {
  const project = file.includes('test/worker/') ? 'worker' : 'core';
  byProject.set(project, [...(byProject.get(project) ?? []), file]);
}
let status = 0;
for (const [project, projectFiles] of byProject) {
  const result = spawnSync('npx', ['vitest', 'run', '--project', project, ...projectFiles], {
    stdio: 'inherit',
    env: { ...process.env, FUZZ_RUNS: String(runs) },
  });
  status ||= result.status ?? 1;
}
process.exit(status);
