// Vite build of the verifier PWA (`/`), the wallet (`/wallet`) and the operator console (`/console`). The Worker serves `dist/` as
// static assets (wrangler.toml). The root public key is pinned here, at build time, from public
// material only (docs/architecture.md "Verifier side"): a trust list is believed only if it
// verifies against it.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { readPinnedRoot } from './build/pinned-root.ts';
import { serviceWorkerPlugin } from './build/service-worker-plugin.ts';

const here = import.meta.dirname;
const repoRoot = resolve(here, '..');

export default defineConfig(() => {
  const root = readPinnedRoot(process.env.TRICOLOR_ROOT_PUBLIC_KEY_FILE, repoRoot);
  return {
    root: here,
    base: '/',
    publicDir: 'public',
    define: {
      __TRICOLOR_ROOT_PUBLIC_KEY__: JSON.stringify(root.publicKey),
      __TRICOLOR_ROOT_KID__: JSON.stringify(root.kid),
    },
    build: {
      // TRICOLOR_WEB_OUT_DIR lets tests and the bench build with their own root key without
      // touching the developer's dist/.
      outDir: process.env.TRICOLOR_WEB_OUT_DIR ? resolve(process.env.TRICOLOR_WEB_OUT_DIR) : resolve(here, 'dist'),
      emptyOutDir: true,
      // Cheap phones run older Chromium WebViews: stay on widely supported syntax.
      target: 'es2020',
      // The zxing .wasm is a separate file served from our own origin, never inlined.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      rollupOptions: {
        input: { verifier: resolve(here, 'index.html'), wallet: resolve(here, 'wallet.html'), console: resolve(here, 'console.html') },
      },
    },
    plugins: [
      serviceWorkerPlugin({
        source: resolve(here, 'src/sw.ts'),
        navigations: { '/': 'index.html', '/wallet': 'wallet.html' },
        // The console is an online tool for staff: nothing of it is precached on checkpoint phones.
        onlineOnlyEntries: ['console'],
      }),
    ],
  };
});
