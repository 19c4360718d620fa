// Driving the operator console (`/console`) in the browser tests: signing in as a real staff
// member would (typing a token), and finding the console's elements through its shadow roots.
import type { Browser } from 'playwright-core';
import { type OpenedPage, openPage } from './browser.ts';

export async function openConsole(browser: Browser, baseUrl: string, token: string, section = 'dashboard'): Promise<OpenedPage> {
  const opened = await openPage(browser, baseUrl, `/console#${section}`, { viewport: { width: 1280, height: 900 } });
  const { page } = opened;
  await page.locator('[data-testid=signin] input[name=token]').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid=signed-in-as]').waitFor();
  return opened;
}
