// Registers the service worker and offers updates without ever swapping versions mid-scan: a new
// version waits until the person taps "Reload" (or every tab closes).

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .then((registration) => {
        const announce = () => {
          if (registration.waiting && navigator.serviceWorker.controller) window.dispatchEvent(new Event('tc-update-ready'));
        };
        announce();
        registration.addEventListener('updatefound', () => {
          registration.installing?.addEventListener('statechange', announce);
        });
        window.addEventListener('tc-apply-update', () => registration.waiting?.postMessage('skip-waiting'));
      })
      .catch(() => undefined); // no SW (private mode, http): the app still works online
    let updateRequested = false;
    let reloading = false;
    window.addEventListener('tc-apply-update', () => (updateRequested = true));
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      // Only reload for an update the person asked for, not for the first install's claim.
      if (reloading || !updateRequested) return;
      reloading = true;
      location.reload();
    });
  });
}
