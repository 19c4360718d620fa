// Per-file browser helpers: Debian Chromium, a page that fails the test on any page error, and
// a guard that the app never talks to anything but its own origin.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { decodeBase45, encodeBase45, TOKEN_PREFIX } from '../../../src/index.ts';
import { launchChromium } from '../../../verifier-web/scripts/chromium.ts';

export { launchChromium };

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Page errors and requests to other origins seen so far. */
  problems: string[];
}

export async function openPage(
  browser: Browser,
  baseUrl: string,
  path = '/',
  options: {
    viewport?: { width: number; height: number };
    locale?: string;
    fakeClock?: boolean;
    alsoAllow?: string[];
    /** Runs before the first navigation, e.g. to route the feed to a test's own signed answers. */
    beforeLoad?: (context: BrowserContext) => Promise<void>;
  } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 412, height: 860 },
    locale: options.locale ?? 'en-US',
  });
  const problems: string[] = [];
  const origins = [new URL(baseUrl).origin, ...(options.alsoAllow ?? []).map((u) => new URL(u).origin)];
  // Nothing may leave this origin (no CDN for the wasm, no fonts, no telemetry), except the
  // identity provider's sign-in pages where a test signs in.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (origins.some((o) => url.startsWith(`${o}/`)) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    problems.push(`request to another origin: ${url}`);
    return route.abort();
  });
  await options.beforeLoad?.(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A Content-Security-Policy violation is a failure wherever it happens (docs/operations.md
  // "Security headers"): Chromium reports each in the console, and the page's own event says
  // which directive, also from inside the Lit components' shadow roots.
  page.on('console', (msg) => {
    if (/Content Security Policy|securitypolicyviolation/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`securitypolicyviolation ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`),
    );
  });
  // Before the page loads, so the app's own timers run on the clock the test moves.
  if (options.fakeClock) await page.clock.install();
  await page.goto(baseUrl + path);
  return { context, page, problems };
}

/** Waits until the app holds a verified trust list and has synced revocations at least once. */
export async function waitForSyncedData(page: Page): Promise<void> {
  await page
    .locator('[data-testid=data-age]')
    .filter({ hasNotText: /never|尚未/ })
    .waitFor();
}

/** Waits until a service worker controls the page, so the shell is precached. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });
}

/** Whether the element has keyboard focus, looking through the shadow roots of the Lit components. */
export async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active === el;
  });
}

/** Presses Tab (at most `limit` times) until the element has focus; fails if it is never reached. */
export async function tabTo(page: Page, locator: Locator, limit = 20): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await isFocused(locator)) return;
    await page.keyboard.press('Tab');
  }
  if (!(await isFocused(locator))) throw new Error(`not reachable with Tab within ${limit} presses: ${locator}`);
}

export async function submitCode(page: Page, text: string): Promise<void> {
  const input = page.locator('[data-testid=manual-input]');
  await input.fill(text);
  await input.press('Enter');
}

/** Flips one bit of the signature and re-encodes, so the text stays well-formed base45. */
export function tamperToken(token: string): string {
  const bytes = decodeBase45(token.slice(TOKEN_PREFIX.length));
  bytes[bytes.length - 1]! ^= 0x01;
  return TOKEN_PREFIX + encodeBase45(bytes);
}

/** WCAG 2.x contrast ratio of an element's own text colour against its own background colour. */
export async function contrastRatio(page: Page, selector: string): Promise<number> {
  const [fg, bg] = await page.locator(selector).evaluate((el) => {
    const style = getComputedStyle(el);
    return [style.color, style.backgroundColor];
  });
  const luminance = (rgb: string) => {
    const [r, g, b] = rgb
      .match(/\d+(\.\d+)?/g)!
      .slice(0, 3)
      .map((v) => Number(v) / 255);
    const f = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
  };
  const [hi, lo] = [luminance(fg!), luminance(bg!)].sort((a, b) => b - a);
  return (hi! + 0.05) / (lo! + 0.05);
}
