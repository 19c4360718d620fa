// axe-core in real Chromium on every page the project serves: the verifier, the wallet, and each
// section of the operator console. Zero serious or critical violations.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { seriousViolations } from './support/axe.ts';
import { launchChromium, openPage } from './support/browser.ts';
import { openConsole } from './support/console.ts';
import { enrolGreenHolder } from './support/holders.ts';

const baseUrl = inject('webBaseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

test.each([
  ['/', '[data-testid=manual-input]'],
  ['/wallet', '[data-testid=enrol-form]'],
  ['/console', '[data-testid=signin]'],
])('%s has no serious or critical axe violations, in English and in Chinese', async (path, ready) => {
  const { context, page } = await openPage(browser, baseUrl, path);
  await page.locator(ready).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.locator('[data-testid=language-switch]').click();
  expect(await seriousViolations(page)).toEqual([]);
  await context.close();
});

test('every section of the signed-in console has no serious or critical axe violations', async () => {
  const holder = await enrolGreenHolder(baseUrl);
  const { context, page, problems } = await openConsole(browser, baseUrl, inject('webOperatorToken'));
  const sections: [string, string][] = [
    ['dashboard', '[data-testid=daily-table]'],
    ['holder', '[data-testid=holder-page]'],
    ['import', '[data-testid=import-page]'],
    ['audit', '[data-testid=audit-page]'],
    ['keys', '[data-testid=keys-table]'],
  ];
  for (const language of ['en', 'zh-CN']) {
    if (language === 'zh-CN') await page.locator('[data-testid=language-switch]').click();
    for (const [section, ready] of sections) {
      await page.locator(`[data-testid=nav-${section}]`).click();
      await page.locator(ready).waitFor();
      expect([language, section, await seriousViolations(page)]).toEqual([language, section, []]);
    }
  }
  await page.locator('[data-testid=language-switch]').click();
  // The holder page with a holder open and the confirmation showing.
  await page.locator('[data-testid=nav-holder]').click();
  await page.locator('[data-testid=holder-query]').fill(holder.holderId);
  await page.locator('[data-testid=holder-query]').press('Enter');
  await page.locator('[data-testid=holder-view]').waitFor();
  await page.locator('[data-testid=reason]').fill('accessibility check');
  await page.getByRole('button', { name: 'Review change' }).click();
  await page.locator('[data-testid=confirm]').waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});
