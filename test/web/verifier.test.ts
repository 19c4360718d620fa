// The verifier PWA in real headless Chromium against the real Worker (global-setup.ts).
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import {
  contrastRatio,
  isFocused,
  launchChromium,
  openPage,
  submitCode,
  tabTo,
  tamperToken,
  waitForServiceWorker,
  waitForSyncedData,
} from './support/browser.ts';
import { claimsOf, enrolGreenHolder, setHolderColor } from './support/holders.ts';
import { saveScreenshot } from './support/screenshots.ts';
import { signGreenTokenAt } from './support/tokens.ts';

const baseUrl = inject('webBaseUrl');
const operatorToken = inject('webOperatorToken');
const signingSeed = inject('webSigningSeed');
const issuer = inject('webIssuer');
const verdict = '[data-testid=verdict]';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('verifier', () => {
  test('after one online visit it reloads with the network gone and still shows a valid token as green', async () => {
    const { token } = await enrolGreenHolder(baseUrl);
    const { context, page, problems } = await openPage(browser, baseUrl);
    await waitForSyncedData(page);
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.reload();
    await page.locator('[data-testid=manual-input]').waitFor();
    await submitCode(page, token);
    const shown = page.locator(verdict);
    await expect.poll(() => shown.getAttribute('data-result')).toBe('valid');
    expect(await shown.getAttribute('data-color')).toBe('green');
    const { maskedName, birthYear } = claimsOf(token);
    // Whose code it is: the masked name and the birth year, large, beside each other.
    expect(await page.locator('[data-testid=verdict-person]').textContent()).toContain(maskedName!);
    expect(await page.locator('[data-testid=verdict-born]').textContent()).toBe(`Born ${birthYear}`);
    const bornSize = await page.locator('[data-testid=verdict-born]').evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    expect(bornSize).toBeGreaterThanOrEqual(32);
    await expect.poll(() => page.locator('[data-testid=announcer]').textContent()).toContain('GREEN');
    expect(await contrastRatio(page, verdict)).toBeGreaterThanOrEqual(4.5);
    await saveScreenshot(page, 'verifier.png');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('is installable: a web app manifest with 192 and 512 px icons, and a service worker in control', async () => {
    const { context, page } = await openPage(browser, baseUrl);
    await waitForServiceWorker(page);
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel=manifest]')!.href;
      const m = (await (await fetch(href)).json()) as { start_url: string; display: string; icons: { src: string; sizes: string }[] };
      const icons = await Promise.all(m.icons.map(async (i) => ({ sizes: i.sizes, ok: (await fetch(i.src)).ok })));
      return { startUrl: m.start_url, display: m.display, icons };
    });
    expect(manifest.startUrl).toBe('/');
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons).toEqual(
      expect.arrayContaining([
        { sizes: '192x192', ok: true },
        { sizes: '512x512', ok: true },
      ]),
    );
    await context.close();
  });

  test('a tampered token shows invalid with the reason in plain words', async () => {
    const { token } = await enrolGreenHolder(baseUrl);
    const { context, page, problems } = await openPage(browser, baseUrl);
    await waitForSyncedData(page);
    await submitCode(page, tamperToken(token));
    const shown = page.locator(verdict);
    await expect.poll(() => shown.getAttribute('data-result')).toBe('invalid');
    expect(await shown.getAttribute('data-reason')).toBe('bad_signature');
    expect(await shown.getAttribute('data-color')).toBeNull();
    expect(await page.locator('[data-testid=verdict-reason]').textContent()).toContain('altered or forged');
    expect(await contrastRatio(page, verdict)).toBeGreaterThanOrEqual(4.5);
    expect(problems).toEqual([]);
    await context.close();
  });

  test('text that is not a Tricolor code says so', async () => {
    const { context, page } = await openPage(browser, baseUrl);
    await waitForSyncedData(page);
    await submitCode(page, 'HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH');
    await expect.poll(() => page.locator(verdict).getAttribute('data-reason')).toBe('malformed_prefix');
    expect(await page.locator(verdict).textContent()).toContain('Not a Tricolor code');
    await context.close();
  });

  test('a token whose holder was downgraded after the app synced shows revoked, and an unchanged feed costs a 304', async () => {
    const holder = await enrolGreenHolder(baseUrl);
    const { context, page } = await openPage(browser, baseUrl);
    await waitForSyncedData(page);
    await submitCode(page, holder.token);
    await expect.poll(() => page.locator(verdict).getAttribute('data-result')).toBe('valid');
    await page.keyboard.press('Escape');
    await page.locator(verdict).waitFor({ state: 'detached' });

    await setHolderColor(baseUrl, operatorToken, holder.holderId, 'red');
    const feedAnswers: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/v1/revocations')) feedAnswers.push(r.status());
    });
    await page.getByRole('button', { name: 'Update now' }).click();
    await expect.poll(() => feedAnswers.length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Update now' }).and(page.locator(':enabled')).waitFor();
    await submitCode(page, holder.token);
    const shown = page.locator(verdict);
    await expect.poll(() => shown.getAttribute('data-reason')).toBe('token_revoked');
    expect(await shown.getAttribute('data-result')).toBe('invalid');
    await page.keyboard.press('Escape');

    // Nothing changed since: the next sync is answered 304 Not Modified.
    const before = feedAnswers.length;
    await page.getByRole('button', { name: 'Update now' }).click();
    await expect.poll(() => feedAnswers.length).toBeGreaterThan(before);
    expect(feedAnswers.at(-1)).toBe(304);
    await context.close();
  });

  test('an image of a QR code is decoded and verified', async () => {
    const { token } = await enrolGreenHolder(baseUrl);
    const png = await QRCode.toBuffer(token, { errorCorrectionLevel: 'M', margin: 4, scale: 6 });
    const { context, page, problems } = await openPage(browser, baseUrl);
    await waitForSyncedData(page);
    await page.locator('[data-testid=image-input]').setInputFiles({ name: 'code.png', mimeType: 'image/png', buffer: png });
    const shown = page.locator(verdict);
    await expect.poll(() => shown.getAttribute('data-result'), { timeout: 15_000 }).toBe('valid');
    expect(await shown.getAttribute('data-color')).toBe('green');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('the language switch turns the interface and the verdict into Chinese, and is remembered', async () => {
    const { context, page } = await openPage(browser, baseUrl);
    await waitForSyncedData(page);
    await page.locator('[data-testid=language-switch]').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.locator('h1').textContent()).toBe('三色码核验');
    await submitCode(page, 'not a code');
    await expect.poll(() => page.locator(verdict).textContent()).toContain('非三色码');
    await page.reload();
    await expect.poll(() => page.locator('h1').textContent()).toBe('三色码核验');
    await page.locator('[data-testid=language-switch]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Tricolor verifier');
    await context.close();
  });

  test('with the temperature check on, a reading at or above 37.3 °C refers a green code and one below passes', async () => {
    const { token } = await enrolGreenHolder(baseUrl);
    const { context, page } = await openPage(browser, baseUrl);
    await waitForSyncedData(page);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.locator('[data-testid=setting-temperature]').check();
    await page.locator('[data-testid=settings-save]').click();
    await submitCode(page, token);
    await page.locator('[data-testid=temperature-input]').fill('37.3');
    await page.locator('[data-testid=temperature-input]').press('Enter');
    const shown = page.locator(verdict);
    await expect.poll(() => shown.getAttribute('data-result')).toBe('refer');
    expect(await shown.textContent()).toContain('37.3 °C');
    expect(await contrastRatio(page, verdict)).toBeGreaterThanOrEqual(4.5);
    await page.keyboard.press('Escape');
    await shown.waitFor({ state: 'detached' });
    await submitCode(page, token);
    await page.locator('[data-testid=temperature-input]').fill('36.6');
    await page.locator('[data-testid=temperature-input]').press('Enter');
    await expect.poll(() => shown.getAttribute('data-result')).toBe('valid');
    await context.close();
  });

  test('both stale-data limits are set from the keyboard alone, are labelled in English and Chinese, and survive a reload', async () => {
    const { context, page } = await openPage(browser, baseUrl);
    await page.getByRole('button', { name: 'Settings' }).focus();
    await page.keyboard.press('Enter');
    const staleHours = page.getByLabel('Warn when revocation data is older than (hours)');
    const trustDays = page.getByLabel('Warn when the trust list is older than (days)');
    expect([await staleHours.inputValue(), await trustDays.inputValue()]).toEqual(['12', '30']); // docs/verifier.md defaults
    await tabTo(page, staleHours);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('6');
    await page.keyboard.press('Tab');
    expect(await isFocused(trustDays)).toBe(true);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter'); // submits the form and closes the panel
    await trustDays.waitFor({ state: 'detached' });

    await page.reload();
    await page.locator('[data-testid=language-switch]').click();
    await page.getByRole('button', { name: '设置' }).click();
    expect(await page.getByLabel('撤销名单超过多少小时未更新时警告').inputValue()).toBe('6');
    expect(await page.getByLabel('信任列表签发超过多少天时警告').inputValue()).toBe('3');
    await context.close();
  });

  test('a scanner gun typing the code and Enter works without focusing the field, Enter again clears it, and the tally exports it as CSV', async () => {
    const { token } = await enrolGreenHolder(baseUrl);
    const { context, page } = await openPage(browser, baseUrl);
    await waitForSyncedData(page);
    await page.locator('h1').click(); // focus leaves the field
    await page.keyboard.type(token);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(verdict).getAttribute('data-color')).toBe('green');
    await page.keyboard.press('Enter'); // Enter on the empty field: next person
    await page.locator(verdict).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Tally' }).click();
    expect(await page.locator('[data-testid=tally] tbody tr').count()).toBe(1);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await readFile((await (await download).path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('date,green,yellow,red,refer,invalid,total');
    expect(csv.split('\r\n')[1]).toMatch(/^\d{4}-\d{2}-\d{2},1,0,0,0,0,1$/);
    expect(csv).not.toContain(token.slice(4, 20));
    await context.close();
  });

  test('data older than the limit turns into a warning that stays on the verdict screen', async () => {
    const { token } = await enrolGreenHolder(baseUrl);
    const { context, page } = await openPage(browser, baseUrl, '/', { fakeClock: true });
    await waitForSyncedData(page);
    expect(await page.locator('[data-testid=data-warnings]').count()).toBe(0);
    await context.setOffline(true);
    await page.clock.fastForward('13:00:00'); // past the default 12 h limit, before the token's 24 h expiry
    const warning = page.locator('[data-testid=data-warnings] [data-kind=stale]');
    await expect.poll(() => warning.count()).toBe(1);
    await submitCode(page, token);
    await expect.poll(() => page.locator(verdict).getAttribute('data-result')).toBe('valid');
    expect(await page.locator('[data-testid=verdict-warnings]').textContent()).toContain('still look valid');
    await context.close();
  });

  test('past its nextUpdate the trust list shows its age, and past the configured limit the age becomes a warning on the verdict', async () => {
    const { context, page } = await openPage(browser, baseUrl, '/', { fakeClock: true });
    await waitForSyncedData(page);
    const listStatus = page.locator('[data-testid=trust-list]');
    const listWarning = page.locator('[data-testid=data-warnings] [data-kind=trust_list_old]');
    expect(await listStatus.textContent()).toMatch(/^Trust list v\d+$/);
    await context.setOffline(true);
    // 8 d 8 h: past the test list's nextUpdate (7 d, global-setup.ts), inside the default 30-day limit.
    await page.clock.fastForward(200 * 3600_000);
    await expect.poll(() => listStatus.textContent()).toMatch(/^Trust list v\d+, updated 8 days ago$/);
    expect(await listWarning.count()).toBe(0);
    await page.locator('[data-testid=language-switch]').click();
    await expect.poll(() => listStatus.textContent()).toMatch(/^信任列表 v\d+，更新于8天前$/);
    await page.locator('[data-testid=language-switch]').click();

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Warn when the trust list is older than (days)').fill('7');
    await page.locator('[data-testid=settings-save]').click();
    await expect.poll(() => listWarning.textContent()).toBe('The trust list is out of date (8 days 8 hr old).');
    expect(await listStatus.textContent()).toMatch(/^Trust list v\d+$/);

    const token = await signGreenTokenAt(signingSeed, issuer, await page.evaluate(() => Math.floor(Date.now() / 1000)));
    await submitCode(page, token);
    const shown = page.locator(verdict);
    await expect.poll(() => shown.getAttribute('data-color')).toBe('green');
    expect(await page.locator('[data-testid=verdict-warnings]').textContent()).toContain(
      'The trust list is out of date (8 days 8 hr old).',
    );
    await page.keyboard.press('Escape');
    await shown.waitFor({ state: 'detached' });
    await page.locator('[data-testid=language-switch]').click();
    await expect.poll(() => listWarning.textContent()).toBe('信任列表已过期（8天8小时前签发）。');
    await context.close();
  });
});
