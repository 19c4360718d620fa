// Launch options for Debian's headless Chromium, shared by the browser tests and the bench. No
// browser download: /usr/bin/chromium only (override with TRICOLOR_CHROMIUM).
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.TRICOLOR_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh, throwaway profile per launch (playwright's launch() uses a new temporary user-data dir). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
