// Emits dist/sw.js: the hand-written service worker (src/sw.ts) compiled, with a build-time
// manifest of every hashed asset, the public files and the two app-shell navigations inlined.
// The cache name carries a hash of all of it, so any change to the app ships a new worker.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { minify, type Plugin, type ResolvedConfig, type Rolldown, transformWithOxc } from 'vite';

type OutputBundle = Rolldown.OutputBundle;
type OutputChunk = Rolldown.OutputChunk;

export interface ServiceWorkerOptions {
  /** Path of the service worker's TypeScript source (no imports: it is compiled on its own). */
  source: string;
  /** URL the app is navigated to -> the HTML file in the bundle that answers it. */
  navigations: Record<string, string>;
  /**
   * Entries (by input name) that are not part of the offline app, e.g. the operator console:
   * their HTML and the chunks only they use are neither precached nor part of the cache version.
   */
  onlineOnlyEntries?: string[];
}

export interface PrecacheManifest {
  version: string;
  /** Every URL to precache; navigations are cached under their URL, not their HTML file name. */
  urls: string[];
}

export function serviceWorkerPlugin(options: ServiceWorkerOptions): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'tricolor-service-worker',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    async generateBundle(_output, bundle) {
      const hash = createHash('sha256');
      const urls: string[] = [];
      const htmlFiles = new Set(Object.values(options.navigations));
      const onlineOnly = onlineOnlyFiles(bundle, options.onlineOnlyEntries ?? []);
      for (const [fileName, item] of Object.entries(bundle).sort(([a], [b]) => a.localeCompare(b))) {
        if (onlineOnly.has(fileName)) continue;
        hash.update(fileName);
        hash.update(item.type === 'chunk' ? item.code : item.source);
        // HTML is cached under its navigation URL, not its file name.
        if (!htmlFiles.has(fileName)) urls.push(`/${fileName}`);
      }
      for (const file of listFiles(config.publicDir)) {
        const fileName = relative(config.publicDir, file).split('\\').join('/');
        hash.update(fileName);
        hash.update(readFileSync(file));
        // _headers is read by Workers Static Assets, never served: nothing to precache.
        if (fileName !== '_headers') urls.push(`/${fileName}`);
      }
      const manifest: PrecacheManifest = {
        version: hash.digest('hex').slice(0, 16),
        urls: [...Object.keys(options.navigations), ...urls],
      };
      const compiled = await transformWithOxc(readFileSync(options.source, 'utf8'), options.source, { lang: 'ts' });
      const code = compiled.code.replace('__PRECACHE_MANIFEST__', JSON.stringify(manifest));
      if (code === compiled.code) this.error('src/sw.ts must reference __PRECACHE_MANIFEST__');
      const minified = await minify('sw.js', code, { compress: true, mangle: true });
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: minified.code });
    },
  };
}

/** Files reachable only from the given entries (their HTML, their chunks and their assets). */
function onlineOnlyFiles(bundle: OutputBundle, entries: string[]): Set<string> {
  const reach = (roots: OutputChunk[]): Set<string> => {
    const seen = new Set<string>();
    const queue = roots.map((c) => c.fileName);
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const item = bundle[file];
      if (item?.type !== 'chunk') continue;
      queue.push(
        ...item.imports,
        ...item.dynamicImports,
        ...(item.viteMetadata ? [...item.viteMetadata.importedAssets, ...item.viteMetadata.importedCss] : []),
      );
    }
    return seen;
  };
  const chunks = Object.values(bundle).filter((i): i is OutputChunk => i.type === 'chunk' && i.isEntry);
  const excluded = reach(chunks.filter((c) => entries.includes(c.name)));
  const kept = reach(chunks.filter((c) => !entries.includes(c.name)));
  const out = new Set([...excluded].filter((f) => !kept.has(f)));
  for (const name of entries) out.add(`${name}.html`);
  return out;
}

function listFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    out = statSync(path).isDirectory() ? out.concat(listFiles(path)) : out.concat(path);
  }
  return out;
}
