// Bench harness (docs/verifier.md, budgets): time from a decoded QR string to the verdict painted on
// screen, in headless Chromium. The app marks `tc:decoded` when text arrives and measures
// `tc:verdict` after the next frame with the verdict in it; this script reads those entries.
// Usage: node verifier-web/scripts/measure-verdict.ts [--runs N] [--budget-ms 50]
// Prints JSON and exits 1 when the median is over budget.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildWeb } from './build-web.ts';
import { startCannedIssuer } from './canned-issuer.ts';
import { launchChromium } from './chromium.ts';
import { createTestIssuer, signTestFeed, signTestToken, signTestTrustList, writeRootPublicFile } from './issuer-fixtures.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '40' }, 'budget-ms': { type: 'string', default: '50' } } });
const runs = Number(values.runs);
const budgetMs = Number(values['budget-ms']);

const dir = mkdtempSync(join(tmpdir(), 'tricolor-measure-'));
const now = Math.floor(Date.now() / 1000);
const issuer = await createTestIssuer(now);
buildWeb(join(dir, 'dist'), writeRootPublicFile(dir, issuer));
const server = await startCannedIssuer({
  distDir: join(dir, 'dist'),
  trustList: await signTestTrustList(issuer, now),
  feed: await signTestFeed(issuer, now, []),
});
const browser = await launchChromium();
let exitCode = 0;
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(server.baseUrl);
  await page.locator('[data-testid=data-age]').filter({ hasNotText: /never/ }).waitFor();
  const token = await signTestToken(issuer, now);
  const input = page.locator('[data-testid=manual-input]');
  for (let i = 0; i < runs + 3; i++) {
    await input.fill(token);
    await input.press('Enter');
    await page.locator('[data-testid=verdict][data-result=valid]').waitFor();
    await page.waitForFunction((n) => performance.getEntriesByName('tc:verdict').length > n, i);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=verdict]').waitFor({ state: 'detached' });
  }
  // The first few runs warm up the JIT and import the WebCrypto key; the budget is steady state.
  const all = await page.evaluate(() => performance.getEntriesByName('tc:verdict').map((e) => e.duration));
  const samples = all.slice(3).sort((a, b) => a - b);
  const pick = (q: number) => Number(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(2));
  const result = {
    what: 'decoded QR text -> verdict painted (ms)',
    runs: samples.length,
    firstMs: Number(all[0]!.toFixed(2)),
    medianMs: pick(0.5),
    p95Ms: pick(0.95),
    maxMs: pick(1),
    budgetMs,
  };
  console.log(JSON.stringify(result));
  if (result.medianMs > budgetMs) exitCode = 1;
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
