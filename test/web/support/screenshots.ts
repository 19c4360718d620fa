// Where the browser tests save their screenshots. Every run writes them to test-results/screenshots/
// (git-ignored), so `npm test` leaves the work tree clean; only `npm run screenshots`
// (UPDATE_SCREENSHOTS=1) writes over docs/img/, the pictures docs/verifier.md shows.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Page } from 'playwright-core';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

export function screenshotPath(name: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return resolve(REPO_ROOT, env.UPDATE_SCREENSHOTS === '1' ? 'docs/img' : 'test-results/screenshots', name);
}

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const path = screenshotPath(name);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path });
}
