// The holder's wallet (`/wallet`) in real headless Chromium against the real Worker and the real
// dev OpenID provider: sign-in through the provider's page, a second phone taking the code over,
// and the code kept offline.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { DEV_IDENTITIES, DEV_PASSWORD } from '../../scripts/lib/dev-identities.ts';
import { launchChromium, openPage, waitForServiceWorker } from './support/browser.ts';
import { decodeQrPng } from './support/decode-qr.ts';
import { claimsOf, uniqueDevIdentity } from './support/holders.ts';
import { saveScreenshot } from './support/screenshots.ts';

const baseUrl = inject('webBaseUrl');
const providerUrl = inject('webProviderUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** From the wallet's form to the provider's sign-in page and back; returns the token the wallet fetched. */
async function signInFromWallet(page: Page, login: string, screenshots = false): Promise<string> {
  const form = page.locator('[data-testid=enrol-form]');
  await form.waitFor();
  if (screenshots) await saveScreenshot(page, 'wallet-sign-in.png');
  await form.getByRole('button', { name: 'Sign in and get my code' }).click();
  await page.waitForURL((url) => url.origin === new URL(providerUrl).origin);
  await page.getByLabel('Dev identity').fill(login);
  await page.getByLabel('Password').fill(DEV_PASSWORD);
  if (screenshots) await saveScreenshot(page, 'provider-sign-in.png');
  const fetched = page.waitForResponse((r) => r.url().endsWith('/v1/holders/me/token') && r.status() === 200);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/wallet`);
  return ((await (await fetched).json()) as { token: string }).token;
}

test('a new user signs in at the provider and comes back with a code that decodes back to the exact token, kept offline until it expires', async () => {
  const { context, page, problems } = await openPage(browser, baseUrl, '/wallet', { fakeClock: true, alsoAllow: [providerUrl] });
  const wang = DEV_IDENTITIES.find((p) => p.login === 'wang-xiaoming')!;
  const issued = await signInFromWallet(page, wang.login, true);
  expect(issued.startsWith('TC1:')).toBe(true);
  expect(claimsOf(issued)).toMatchObject({ maskedName: '王*', birthYear: 1990 });

  const qr = page.locator('[data-testid=wallet-qr]');
  await qr.waitFor();
  expect(await decodeQrPng(await qr.screenshot())).toEqual([issued]);
  expect(await page.locator('[data-testid=wallet-code]').getAttribute('data-color')).toBe('green');
  expect(await page.locator('[data-testid=wallet-code]').textContent()).toContain('王*');
  // The secret is an HttpOnly cookie: nothing of it is readable by the page's scripts.
  expect(await page.evaluate(() => document.cookie)).toBe('');
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toMatch(/secret/i);
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

test('signing in on a second phone reaches the same holder; the first phone loses its code and is told why', async () => {
  const login = uniqueDevIdentity();
  const first = await openPage(browser, baseUrl, '/wallet', { alsoAllow: [providerUrl] });
  const firstToken = await signInFromWallet(first.page, login);
  await first.page.locator('[data-testid=wallet-qr]').waitFor();

  const second = await openPage(browser, baseUrl, '/wallet', { alsoAllow: [providerUrl] });
  const secondToken = await signInFromWallet(second.page, login);
  await second.page.locator('[data-testid=wallet-qr]').waitFor();
  // The same holder: in the same issuance window, the same window index (docs/feed-privacy.md).
  const [a, b] = [claimsOf(firstToken), claimsOf(secondToken)];
  if (Math.floor(a.iat / 21600) === Math.floor(b.iat / 21600)) expect(b.windowIndex).toBe(a.windowIndex);

  // The first phone's secret stopped working: its next refresh says so, and the code goes.
  const refused = first.page.waitForResponse((r) => r.url().endsWith('/v1/holders/me/token'));
  await first.page.getByRole('button', { name: 'Refresh code' }).click();
  const answer = await refused;
  expect(answer.status()).toBe(401);
  expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('secret_replaced');
  await first.page.getByRole('alert').filter({ hasText: 'signed in on another phone' }).waitFor();
  expect(await first.page.locator('[data-testid=wallet-qr]').count()).toBe(0);
  await first.page.locator('[data-testid=enrol-form]').waitFor();
  await saveScreenshot(first.page, 'wallet-replaced.png');
  expect([...first.problems, ...second.problems]).toEqual([]);
  await first.context.close();
  await second.context.close();
});

test('an ID number the issuer does not accept comes back as a plain message, and no code', async () => {
  const { context, page, problems } = await openPage(browser, baseUrl, '/wallet', { alsoAllow: [providerUrl] });
  const form = page.locator('[data-testid=enrol-form]');
  await form.getByRole('button', { name: 'Sign in and get my code' }).click();
  await page.waitForURL((url) => url.origin === new URL(providerUrl).origin);
  await page.getByLabel('Dev identity').fill('bad-check-digit');
  await page.getByLabel('Password').fill(DEV_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/wallet`);
  await page.getByRole('alert').filter({ hasText: 'id_number_invalid' }).waitFor();
  expect(await page.locator('[data-testid=wallet-qr]').count()).toBe(0);
  expect(problems).toEqual([]);
  await context.close();
});

test('a check-in reads a temperature as typed, refuses what it cannot read without sending it, and shows what the issuer did', async () => {
  const { context, page, problems } = await openPage(browser, baseUrl, '/wallet', { alsoAllow: [providerUrl] });
  // Declares symptoms before signing in: the holder starts yellow.
  await page.locator('[data-testid=enrol-form]').getByLabel('I have fever, cough or other symptoms').check();
  await signInFromWallet(page, uniqueDevIdentity());
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
