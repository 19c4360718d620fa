// The bench's figures, and how they are written: bench/results/latest.json and latest.md (or
// latest-<sections>.* for a partial run).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export interface Figure {
  section: string;
  name: string;
  value: string;
  target?: string;
  /** undefined when there is no target to meet. */
  met?: boolean;
  note?: string;
  raw?: Record<string, unknown>;
}

export function machineDescription(): Record<string, string | number> {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    // Other work on the machine when the run ended: the absolute rates move with it, ratios less.
    loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
    wrangler: packageVersion('wrangler'),
  };
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

export function writeResults(figures: Figure[], dir: URL, name = 'latest'): void {
  mkdirSync(dir, { recursive: true });
  const machine = machineDescription();
  const at = new Date().toISOString();
  writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify({ at, machine, figures }, null, 2)}\n`);
  const lines = [
    '# Benchmark results',
    '',
    `Measured ${at} by \`npm run bench\` on: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}, wrangler ${machine.wrangler}; 1-minute load average ${machine.loadAverage1m} at the end (the machine is shared).`,
    '',
    'Ratios compare against a baseline measured in the same run, interleaved, so they hold on a noisy shared machine; absolute rates are for orientation only. How to read each figure and what limits it: docs/performance.md.',
    '',
  ];
  for (const section of [...new Set(figures.map((f) => f.section))]) {
    lines.push(`## ${section}`, '', '| Figure | Value | Target | Met |', '|---|---|---|---|');
    for (const f of figures.filter((x) => x.section === section)) {
      lines.push(`| ${f.name} | ${f.value} | ${f.target ?? '—'} | ${f.met === undefined ? '—' : f.met ? 'yes' : '**no**'} |`);
    }
    const notes = figures.filter((x) => x.section === section && x.note);
    if (notes.length) lines.push('', ...notes.map((f) => `- ${f.name}: ${f.note}`));
    lines.push('');
  }
  writeFileSync(new URL(`${name}.md`, dir), lines.join('\n'));
}

export function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [f.section, f.name, f.value, f.target ?? '', f.met === undefined ? '' : f.met ? 'ok' : 'MISSED']);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i]!.length), 4));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}
