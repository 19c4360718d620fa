// Verifier PWA figures (docs/verifier.md budgets), by running the PWA's own measuring
// scripts: verifier-web/scripts/measure-bundle.ts (initial JS, gzipped) and measure-verdict.ts
// (decoded QR text to painted verdict in headless Chromium). Each prints one JSON object and
// exits 1 when over budget, which is a figure here, not a failure.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../scripts/lib/local-worker.ts';
import type { Figure } from './report.ts';
import { benchWorkerBundle } from './worker-bundle.ts';

const SECTION = 'Verifier PWA';

function runScript(script: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, script), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGTERM'), 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      // The JSON is the last thing printed (pretty-printed by measure-bundle, one line by measure-verdict).
      const start = out.lastIndexOf('\n{');
      const text = (start >= 0 ? out.slice(start + 1) : out).trim();
      if (code !== 0 && code !== 1) return reject(new Error(`${script} exited with ${code}:\n${err}\n${out.slice(-2000)}`));
      try {
        resolve(JSON.parse(text) as Record<string, unknown>);
      } catch {
        reject(new Error(`${script} printed no JSON:\n${out.slice(-2000)}\n${err}`));
      }
    });
  });
}

export async function benchWeb(quick: boolean): Promise<Figure[]> {
  console.log('bench:   building the PWA and measuring its initial JavaScript ...');
  const bundle = await runScript('verifier-web/scripts/measure-bundle.ts', ['--budget-kb', '60']);
  const gz = Number(bundle.initialGzipBytes);
  console.log("bench:   measuring the operator console's own initial JavaScript ...");
  const consoleBundle = await runScript('verifier-web/scripts/measure-bundle.ts', ['--budget-kb', '60', '--page', 'console.html']);
  const consoleGz = Number(consoleBundle.initialGzipBytes);
  console.log('bench:   timing QR text to verdict in headless Chromium ...');
  const verdict = await runScript('verifier-web/scripts/measure-verdict.ts', ['--runs', quick ? '15' : '40', '--budget-ms', '50']);
  const median = Number(verdict.medianMs);
  console.log('bench:   measuring the Worker bundle (wrangler deploy --dry-run) ...');
  const workerBundle = await benchWorkerBundle();
  return [
    workerBundle,
    {
      section: SECTION,
      name: 'Initial JS for / (gzip -9)',
      value: `${(gz / 1024).toFixed(1)} KB (${gz.toLocaleString('en')} B in ${(bundle.initial as unknown[]).length} files)`,
      target: '≤ 60 KB',
      met: gz <= 60 * 1024,
      note: 'verifier-web/scripts/measure-bundle.ts: the entry script and its static imports; lazy chunks (QR fallback decoder, noble, wallet page) excluded',
      raw: bundle,
    },
    {
      section: SECTION,
      name: 'Initial JS for /console (gzip -9)',
      value: `${(consoleGz / 1024).toFixed(1)} KB (${consoleGz.toLocaleString('en')} B in ${(consoleBundle.initial as unknown[]).length} files)`,
      target: '≤ 60 KB',
      met: consoleGz <= 60 * 1024,
      note: 'the console entry and its static imports; uPlot (loaded when the dashboard draws its chart) excluded. Never loaded by / or /wallet',
      raw: consoleBundle,
    },
    {
      section: SECTION,
      name: 'QR text → verdict painted, headless Chromium (median)',
      value: `${median} ms (p95 ${String(verdict.p95Ms)} ms, max ${String(verdict.maxMs)} ms, first ${String(verdict.firstMs)} ms; ${String(verdict.runs)} runs)`,
      target: '< 50 ms',
      met: median < 50,
      note: 'verifier-web/scripts/measure-verdict.ts: performance marks from decoded text to the frame showing the verdict; the first 3 runs warm up and are excluded',
      raw: verdict,
    },
  ];
}
