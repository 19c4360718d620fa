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

test('a check-in reads a temperature as typed, refuses what it cannot read without sending it, and shows what the issuer did', async () => {
  const { context, page, problems } = await openPage(browser, baseUrl, '/wallet');
  const form = page.locator('[data-testid=enrol-form]');
  await form.getByLabel('Full name').fill('李四');
  await form.getByLabel('ID number').fill(uniqueIdNumber());
  await form.getByLabel('I have fever, cough or other symptoms').check();
  await form.getByRole('button', { name: 'Get my code' }).click();
  await page.locator('[data-testid=wallet-qr]').waitFor();
  expect(await page.locator('[data-testid=wallet-code]').getAttribute('data-color')).toBe('yellow');
  // Before any check-in: the run so far and the earliest green, with the issuer's zone named.
  await page.locator('[data-testid=wallet-progress]', { hasText: '(Asia/Shanghai time)' }).waitFor();
  expect(await page.locator('[data-testid=wallet-progress]').textContent()).toContain('0 of 7 clean days');

  const sent: unknown[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/v1/holders/me/checkins')) sent.push(r.postDataJSON());
  });
  const temperature = page.getByLabel('Temperature °C (optional)');
  const submit = page.locator('[data-testid=checkin]');

  // Unreadable: a plain message, and nothing sent (it used to go out as "no temperature").
  await temperature.fill('38.5F');
  await submit.click();
  await page.locator('[data-testid=checkin-error]').waitFor();
  expect(await page.locator('[data-testid=checkin-error]').textContent()).toContain('Nothing was sent');
  expect(sent).toEqual([]);

  // Full-width digits and ℃, as a Chinese input method types them.
  await temperature.fill('３８．５℃');
  const fever = page.waitForResponse((r) => r.url().endsWith('/v1/holders/me/checkins'));
  await submit.click();
  expect((await fever).status()).toBe(201);
  expect(sent).toEqual([{ symptoms: false, temperature: 38.5 }]);
  const outcome = page.locator('[data-testid=checkin-outcome]');
  await outcome.waitFor();
  expect(await outcome.textContent()).toContain('Recorded: symptoms or a fever');
  expect(await page.locator('[data-testid=checkin-error]').count()).toBe(0);
  const progress = page.locator('[data-testid=wallet-progress]');
  expect(await progress.textContent()).toContain('0 of 7 clean days');
  expect(await progress.textContent()).toContain('(Asia/Shanghai time)');

  // A second check-in the same day is not counted, and the wallet says so.
  await temperature.fill('36.6');
  const repeat = page.waitForResponse((r) => r.url().endsWith('/v1/holders/me/checkins'));
  await submit.click();
  expect((await repeat).status()).toBe(200);
  await page.getByText('Not counted: you already checked in today').waitFor();
  expect(problems).toEqual([]);
  await context.close();
});
