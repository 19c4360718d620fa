// `npm run bench`: every performance figure in one run, printed as a table and written to
// bench/results/latest.json and latest.md. `--quick` shortens the rounds; `--only core,feed`
// picks sections and writes bench/results/latest-core-feed.* instead.
import { parseArgs } from 'node:util';
import { benchCore } from './core.ts';
import { benchEdge } from './edge.ts';
import { benchFeed } from './feed.ts';
import { benchFeedPrivacy } from './feed-privacy.ts';
import { benchImport } from './import.ts';
import { stopSharedWorker } from './lib/shared-worker.ts';
import { type Figure, printTable, writeResults } from './report.ts';
import { benchScale } from './scale.ts';
import { benchWeb } from './web.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const sections: Record<string, (quick: boolean) => Promise<Figure[]>> = {
  core: benchCore,
  feed: benchFeed,
  privacy: benchFeedPrivacy,
  // edge before import: edge polls the feed as seeded, import then grows it with 90 k downgrades.
  edge: benchEdge,
  import: benchImport,
  web: benchWeb,
  // Its own two Workers and seeds (1 M holders on 4 databases and on 1): minutes, so last.
  scale: benchScale,
};
const only = values.only?.split(',');
for (const name of only ?? []) if (!sections[name]) throw new Error(`unknown section ${name}; have ${Object.keys(sections).join(', ')}`);
// Always in the order above, whatever order --only names them in.
const chosen = Object.keys(sections).filter((name) => !only || only.includes(name));
const figures: Figure[] = [];
// Ctrl-C: stop the local Worker's process group before leaving.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopSharedWorker().finally(() => process.exit(130)));
try {
  for (const name of chosen) {
    console.log(`bench: ${name} ...`);
    figures.push(...(await sections[name]!(values.quick)));
  }
} finally {
  await stopSharedWorker();
}
printTable(figures);
// A partial run writes its own file, so it never replaces the full run's latest.*.
const name = only ? `latest-${chosen.join('-')}` : 'latest';
writeResults(figures, new URL('./results/', import.meta.url), name);
console.log(`bench: wrote bench/results/${name}.json and ${name}.md`);
