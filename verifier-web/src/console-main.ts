// Entry point of the operator console (`/console`). No service worker: the console is an online
// tool for staff, and none of its code is precached on checkpoint phones.
import './console/console-page.css';
import './console/tc-console-app.ts';
import { initLanguage } from './i18n/i18n.ts';

initLanguage();
document.body.replaceChildren(document.createElement('tc-console-app'));
