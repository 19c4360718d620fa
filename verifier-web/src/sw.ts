// Service worker: precaches the app shell so the verifier loads and verifies with no network,
// including on reload. It never answers the API (/v1/*, /.well-known/*): trust in data comes from
// signatures checked in the page, and the page keeps its own last good copies in IndexedDB.
// Compiled on its own by build/service-worker-plugin.ts, which inlines the manifest below.

interface PrecacheManifest {
  version: string;
  urls: string[];
}
// Minimal shapes of the worker-scope events (the DOM lib has no WebWorker types).
interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEventLike extends ExtendableEventLike {
  request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ServiceWorkerScopeLike {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

declare const __PRECACHE_MANIFEST__: PrecacheManifest;
const MANIFEST: PrecacheManifest = __PRECACHE_MANIFEST__;
const CACHE_PREFIX = 'tricolor-shell-';
const CACHE_NAME = CACHE_PREFIX + MANIFEST.version;
const scope = self as unknown as ServiceWorkerScopeLike;
// Paths the Worker answers: always the network, never a cache (wrangler.toml run_worker_first).
const NETWORK_ONLY = /^\/(v1|\.well-known)\/|^\/healthz$/;

scope.addEventListener('install', (event) => {
  // `cache: 'reload'` bypasses the HTTP cache so the shell matches this worker's version.
  event.waitUntil(caches.open(CACHE_NAME).then((cache) => cache.addAll(MANIFEST.urls.map((url) => new Request(url, { cache: 'reload' })))));
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) await caches.delete(name);
      await scope.clients.claim();
    })(),
  );
});

// The page asks for this when the person taps "update": never swap versions under a running scan.
scope.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') void scope.skipWaiting();
});

scope.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.location.origin || NETWORK_ONLY.test(url.pathname)) return;
  const shellUrl = request.mode === 'navigate' ? navigationTarget(url.pathname) : undefined;
  if (request.mode === 'navigate' && !shellUrl) return;
  event.respondWith(answerFromCache(request, shellUrl));
});

function navigationTarget(pathname: string): string | undefined {
  if (pathname === '/' || pathname === '/index.html') return '/';
  if (pathname === '/wallet' || pathname === '/wallet/' || pathname === '/wallet.html') return '/wallet';
  return undefined;
}

async function answerFromCache(request: Request, shellUrl: string | undefined): Promise<Response> {
  const cache = await caches.open(CACHE_NAME);
  // Navigations ignore the query string: `/?lang=zh-CN` is still the shell.
  const cached = await cache.match(shellUrl ?? request, { ignoreSearch: shellUrl !== undefined });
  if (cached) return cached;
  return fetch(request);
}
