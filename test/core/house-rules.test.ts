// The rooms of the house (docs/architecture.md, Rooms) are enforced by Biome's import rules in
// biome.json. Each case puts one import in a file of that room, in a scratch tree that carries the
// repository's own biome.json, and lints it; a rule that is loosened or mistyped fails here
// instead of letting every real file pass.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const BIOME = join(REPO_ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');

const REFUSED: [string, string][] = [
  ['src/verify.ts', '../worker/app.ts'],
  ['src/verify.ts', '../keys/cli.ts'],
  ['src/verify.ts', 'node:fs'],
  ['worker/trust/signer.ts', '../../scripts/lib/repo-root.ts'],
  ['worker/app.ts', '../verifier-web/src/verdict.ts'],
  ['worker/app.ts', '../keys/cli.ts'],
  ['verifier-web/src/wallet/holder-api.ts', '../../../worker/app.ts'],
  ['verifier-web/src/main.ts', '../../scripts/lib/local-worker.ts'],
  ['keys/cli.ts', '../scripts/lib/target-local.ts'],
  ['keys/publication/publish.ts', '../../worker/trust/install.ts'],
  ['test/faults/wrangler-dev.test.ts', '../../bench/core.ts'],
  ['scripts/dev.ts', '../bench/run.ts'],
  ['worker/status/apply.ts', '../errors.ts'],
  ['worker/holders/enrol.ts', 'hono'],
  ['worker/import/apply.ts', '../validate.ts'],
  ['worker/routes/holders.ts', 'zod'],
  ['worker/identity/provider.ts', 'zod'],
  ['worker/trust/signer.ts', '../../keys/cli.ts'],
];
const ALLOWED: [string, string][] = [
  ['src/verify.ts', './cose.ts'],
  ['worker/app.ts', '../src/index.ts'],
  ['verifier-web/src/wallet/holder-api.ts', '../../../src/index.ts'],
  ['keys/cli.ts', '../src/index.ts'],
  ['scripts/keys.ts', '../keys/cli.ts'],
  ['test/worker/helpers.ts', '../../worker/app.ts'],
  ['bench/core.ts', '../scripts/lib/local-worker.ts'],
  ['worker/status/apply.ts', '../domain-errors.ts'],
  ['worker/routes/holders.ts', '../errors.ts'],
  ['worker/routes/holders.ts', 'zod/mini'],
];

let scratch: string;
/** Repository-relative file → whether Biome reported noRestrictedImports in it. */
let refusedFiles: Set<string>;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tricolor-rooms-'));
  const config = JSON.parse(readFileSync(join(REPO_ROOT, 'biome.json'), 'utf8'));
  config.vcs = { enabled: false };
  config.$schema = undefined;
  writeFileSync(join(scratch, 'biome.json'), JSON.stringify(config));
  // One case per scratch file: the room path, with the case number in the file name.
  [...REFUSED, ...ALLOWED].forEach(([file, specifier], i) => {
    const path = join(scratch, file.replace(/\.ts$/, `.case${i}.ts`));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `import { x } from '${specifier}';\nexport const y = x;\n`);
  });
  const run = spawnSync(process.execPath, [BIOME, 'lint', '--reporter=json', '--max-diagnostics=1000', '.'], {
    cwd: scratch,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.error) throw run.error;
  const report = JSON.parse(run.stdout) as { diagnostics: { category: string; location: { path: string } }[] };
  refusedFiles = new Set(
    report.diagnostics.filter((d) => d.category === 'lint/style/noRestrictedImports').map((d) => d.location.path.replace(/^\.\//, '')),
  );
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const caseFile = (file: string, i: number) => file.replace(/\.ts$/, `.case${i}.ts`);

describe('room boundaries, and domain code free of HTTP', () => {
  it.each(REFUSED.map(([file, specifier], i) => [file, specifier, i] as const))('refuses %s importing %s', (file, specifier, i) => {
    expect(refusedFiles.has(caseFile(file, i)), `${file} → ${specifier}`).toBe(true);
  });

  it.each(ALLOWED.map(([file, specifier], i) => [file, specifier, REFUSED.length + i] as const))(
    'allows %s importing %s',
    (file, specifier, i) => {
      expect(refusedFiles.has(caseFile(file, i)), `${file} → ${specifier}`).toBe(false);
    },
  );
});
