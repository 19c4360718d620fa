// The holder's wallet (`/wallet`) in real headless Chromium against the real Worker.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launchChromium, openPage, waitForServiceWorker } from './support/browser.ts';
import { decodeQrPng } from './support/decode-qr.ts';
import { claimsOf, uniqueIdNumber } from './support/holders.ts';
import { saveScreenshot } from './support/screenshots.ts';

const baseUrl = inject('webBaseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test('an enrolled holder sees a QR that decodes back to the exact token text, keeps it offline, and says when it needs a connection', async () => {
  const { context, page, problems } = await openPage(browser, baseUrl, '/wallet', { fakeClock: true });
  const form = page.locator('[data-testid=enrol-form]');
  await form.getByLabel('Full name').fill('王小明');
  await form.getByLabel('ID number').fill(uniqueIdNumber());
  const enrolled = page.waitForResponse((r) => r.url().endsWith('/v1/holders') && r.request().method() === 'POST');
  await form.getByRole('button', { name: 'Get my code' }).click();
  const issued = ((await (await enrolled).json()) as { token: string }).token;
  expect(issued.startsWith('TC1:')).toBe(true);

  const qr = page.locator('[data-testid=wallet-qr]');
  await qr.waitFor();
  expect(await decodeQrPng(await qr.screenshot())).toEqual([issued]);
  expect(await page.locator('[data-testid=wallet-code]').getAttribute('data-color')).toBe('green');
  const masked = claimsOf(issued).maskedName;
  if (masked) expect(await page.locator('[data-testid=wallet-code]').textContent()).toContain(masked);
  await saveScreenshot(page, 'wallet.png');

  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.reload();
  await qr.waitFor();
  expect(await decodeQrPng(await qr.screenshot())).toEqual([issued]);
  expect(await page.getByText('Offline: showing your last code.').count()).toBe(1);

  // Still offline when the token's 24 h run out: no stale QR, a plain request for a connection.
  await page.clock.fastForward('25:00:00');
  await page.locator('[data-testid=wallet-expired]').waitFor();
  expect(await page.locator('[data-testid=wallet-expired]').textContent()).toContain('Connect to the internet');
  expect(await qr.count()).toBe(0);
  expect(problems).toEqual([]);
  await context.close();
});
