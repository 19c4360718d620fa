// Entry point of the holder's wallet (`/wallet`).
import './wallet/tc-wallet-app.ts';
import { initLanguage } from './i18n/i18n.ts';
import { registerServiceWorker } from './register-sw.ts';

initLanguage();
registerServiceWorker();
document.body.replaceChildren(document.createElement('tc-wallet-app'));
