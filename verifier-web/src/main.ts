// Entry point of the verifier (`/`).
import './components/tc-verifier-app.ts';
import { nowSeconds, warmUpVerifier } from './check-code.ts';
import { primeAudioOnFirstGesture } from './feedback.ts';
import { initLanguage } from './i18n/i18n.ts';
import { PINNED_ROOT_PUBLIC_KEY } from './pinned-root.ts';
import { registerServiceWorker } from './register-sw.ts';
import { openBestStore } from './storage/indexed-db-store.ts';
import { SyncService } from './sync/sync-service.ts';

initLanguage();
registerServiceWorker();
primeAudioOnFirstGesture();

// No top-level await: the build targets older WebViews.
void openBestStore().then((store) => {
  const sync = new SyncService({
    store,
    fetcher: (input, init) => fetch(input, init),
    rootPublicKey: PINNED_ROOT_PUBLIC_KEY,
    baseUrl: location.origin,
    clock: nowSeconds,
    intervalSeconds: 300,
  });
  const app = document.createElement('tc-verifier-app');
  app.sync = sync;
  // Show what the device holds first, then look for anything newer in the background.
  void sync.load().finally(() => {
    document.body.replaceChildren(app);
    sync.start();
    void warmUpVerifier(sync.snapshot.list);
  });
  sync.addEventListener('change', () => void warmUpVerifier(sync.snapshot.list));
});
