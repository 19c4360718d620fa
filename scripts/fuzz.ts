// `npm run fuzz -- --runs N`: the property and hostile-input suites with N cases per property
// (npm test runs them with a few hundred). Extra arguments after the flags pick test files.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '10000' } }, allowPositionals: true });
const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 1) {
  console.error('fuzz: --runs must be a positive integer');
  process.exit(2);
}
const files = positionals.length > 0 ? positionals : ['test/core/hostile-input.test.ts'];
console.log(`fuzz: ${runs} runs per property over ${files.join(', ')}`);
const result = spawnSync('npx', ['vitest', 'run', '--project', 'core', ...files], { stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: String(runs) } });
process.exit(result.status ?? 1);
