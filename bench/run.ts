// `npm run bench`: every performance figure in one run, printed as a table and written to
// bench/results/latest.json and latest.md. `--quick` shortens the rounds; `--only core,feed`
// picks sections.
import { parseArgs } from 'node:util';
import { benchCore } from './core.ts';
import { benchFeed } from './feed.ts';
import { printTable, writeResults, type Figure } from './report.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const sections: Record<string, (quick: boolean) => Promise<Figure[]>> = {
  core: benchCore,
  feed: benchFeed,
};
const chosen = values.only ? values.only.split(',') : Object.keys(sections);
const figures: Figure[] = [];
for (const name of chosen) {
  const run = sections[name];
  if (!run) throw new Error(`unknown section ${name}; have ${Object.keys(sections).join(', ')}`);
  console.log(`bench: ${name} ...`);
  figures.push(...(await run(values.quick)));
}
printTable(figures);
writeResults(figures, new URL('./results/', import.meta.url));
console.log('bench: wrote bench/results/latest.json and latest.md');
