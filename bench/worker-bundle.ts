// The Worker's bundle as Cloudflare would receive it (`wrangler deploy --dry-run`), raw and
// gzip -9: its size is the cold-start cost of every new isolate. The largest packages in it come
// from esbuild's metafile, so a regression names its cause.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT, writeWorkerConfig } from '../scripts/lib/local-worker.ts';
import { runWrangler } from '../scripts/lib/wrangler-exec.ts';
import type { Figure } from './report.ts';

/** Budget for the Worker bundle, gzipped. */
export const WORKER_BUNDLE_BUDGET_GZIP = 120 * 1024;

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

/** The npm package an esbuild input belongs to, or its repository folder (inputs are relative to the config's folder). */
function packageOf(configDir: string, rawInput: string): string {
  const input = relative(REPO_ROOT, resolve(configDir, rawInput));
  const inModules = input.split('node_modules/').at(-1)!;
  if (inModules === input) return input.split('/').slice(0, 2).join('/');
  const parts = inModules.split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

export async function measureWorkerBundle(): Promise<{ rawBytes: number; gzipBytes: number; largest: [string, number][] }> {
  const outdir = await mkdtemp(join(tmpdir(), 'tricolor-bundle-'));
  try {
    const reporter = { info: () => {}, step: <T>(_label: string, run: () => Promise<T>) => run() };
    // A copy of wrangler.toml with an empty assets directory: the bundle is the same, and a fresh
    // clone without a PWA build (verifier-web/dist) can measure it too.
    const config = writeWorkerConfig({ dir: outdir });
    await runWrangler(
      ['deploy', '--dry-run', '--config', config, '--outdir', join(outdir, 'out'), '--metafile', join(outdir, 'meta.json')],
      {
        cwd: REPO_ROOT,
        label: 'wrangler deploy --dry-run',
        reporter,
      },
    );
    const js = await readFile(join(outdir, 'out', 'index.js'));
    const meta = JSON.parse(await readFile(join(outdir, 'meta.json'), 'utf8')) as Metafile;
    const output = Object.entries(meta.outputs).find(([name]) => name.endsWith('.js'))?.[1];
    const byPackage = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
      const name = packageOf(outdir, input);
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
    const largest = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6);
    return { rawBytes: js.length, gzipBytes: gzipSync(js, { level: 9 }).length, largest };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

export async function benchWorkerBundle(): Promise<Figure> {
  const bundle = await measureWorkerBundle();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  return {
    section: 'Worker',
    name: 'Worker bundle (wrangler deploy --dry-run), gzip -9',
    value: `${kb(bundle.gzipBytes)} (raw ${kb(bundle.rawBytes)})`,
    target: `≤ ${WORKER_BUNDLE_BUDGET_GZIP / 1024} KB`,
    met: bundle.gzipBytes <= WORKER_BUNDLE_BUDGET_GZIP,
    note: `largest parts, raw: ${bundle.largest.map(([name, bytes]) => `${name} ${kb(bytes)}`).join(', ')}`,
    raw: bundle,
  };
}
