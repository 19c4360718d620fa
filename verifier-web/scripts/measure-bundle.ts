// Bench harness (docs/verifier.md, budgets): gzipped bytes of the JavaScript that `/` loads before it can
// verify (the entry script of index.html and every chunk it imports statically). Lazy chunks (the
// ZXing QR fallback, noble) and the wallet page's chunk are listed as notInitial and do not count.
// `--page console.html` measures the operator console's own initial JS the same way.
// Usage: node verifier-web/scripts/measure-bundle.ts [--dist DIR] [--budget-kb 60] [--page index.html]
// Without --dist it builds into a temporary folder with a throwaway root key. Prints JSON; exits
// 1 above budget.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildWeb } from './build-web.ts';
import { createTestIssuer, writeRootPublicFile } from './issuer-fixtures.ts';

const { values } = parseArgs({
  options: { dist: { type: 'string' }, 'budget-kb': { type: 'string', default: '60' }, page: { type: 'string', default: 'index.html' } },
});
const page = values.page!;
const budgetBytes = Number(values['budget-kb']) * 1024;

let dist = values.dist;
let temp: string | undefined;
if (!dist) {
  temp = mkdtempSync(join(tmpdir(), 'tricolor-bundle-'));
  dist = join(temp, 'dist');
  buildWeb(dist, writeRootPublicFile(temp, await createTestIssuer(Math.floor(Date.now() / 1000))));
}
if (!existsSync(join(dist, page))) throw new Error(`${dist}/${page} not found: build the PWA first (npm run build:web)`);

/** Static imports only: `import ... from "x"` and bare `import "x"`, never `import("x")`. */
const STATIC_IMPORT = /(?:^|[;}\s])import\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g;

function initialChunks(distDir: string): string[] {
  const html = readFileSync(join(distDir, page), 'utf8');
  const roots = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ].map((m) => m[1]!);
  const seen = new Set<string>();
  const queue = roots.map((src) => posix.normalize(src.replace(/^\//, '')));
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(distDir, file), 'utf8');
    for (const m of code.matchAll(STATIC_IMPORT)) queue.push(posix.normalize(posix.join(posix.dirname(file), m[1]!)));
  }
  return [...seen].sort();
}

const gz = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const initial = initialChunks(dist).map((file) => ({ file, gzipBytes: gz(file) }));
const initialSet = new Set(initial.map((c) => c.file));
const notInitial = readdirSync(join(dist, 'assets'))
  .map((f) => `assets/${f}`)
  .filter((f) => (f.endsWith('.js') || f.endsWith('.wasm')) && !initialSet.has(f))
  .map((file) => ({ file, gzipBytes: gz(file) }));
const total = initial.reduce((sum, c) => sum + c.gzipBytes, 0);
console.log(
  JSON.stringify(
    {
      what: `initial JS for ${page} (gzip -9 bytes)`,
      initialGzipBytes: total,
      budgetBytes,
      withinBudget: total <= budgetBytes,
      initial,
      notInitial,
    },
    null,
    1,
  ),
);
if (temp) rmSync(temp, { recursive: true, force: true });
process.exit(total <= budgetBytes ? 0 : 1);
