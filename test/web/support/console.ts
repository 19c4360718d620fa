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

/**
 * Staff sign-in as a person would: the console's "Continue with the identity provider" form,
 * the dev provider's sign-in page, and back to /console. Returns the page on /console, signed in
 * or showing the refusal.
 */
export async function openConsoleThroughProvider(
  browser: Browser,
  baseUrl: string,
  providerUrl: string,
  login: string,
  password: string,
): Promise<OpenedPage> {
  const opened = await openPage(browser, baseUrl, '/console', { viewport: { width: 1280, height: 900 }, alsoAllow: [providerUrl] });
  const { page } = opened;
  await page.getByRole('button', { name: 'Continue with the identity provider' }).click();
  await page.waitForURL((url) => url.origin === new URL(providerUrl).origin);
  await page.getByLabel('Dev identity').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => `${url.origin}${url.pathname}` === `${baseUrl}/console`);
  return opened;
}
