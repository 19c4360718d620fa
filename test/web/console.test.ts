// The operator console (`/console`) in real headless Chromium against the real Worker: an auditor
// who can change nothing, a 20,000-row import with progress and an exact report (and a re-run
// that changes nothing), a lookup and a status change that reaches the signed revocation feed,
// and the audit log filtered by time. Saves the console's screenshots for the README.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { DEV_PASSWORD, devIdentity, gb11643CheckDigit } from '../../scripts/lib/dev-identities.ts';
import { signInDevIdentity } from '../../scripts/lib/dev-sign-in.ts';
import { applyRevocationFeed, createSigner, fromBase64Url, isWindowIndexRevoked, verifyRevocationFeed, windowOf } from '../../src/index.ts';
import { isFocused, launchChromium, openPage, tabTo } from './support/browser.ts';
import { openConsole, openConsoleThroughProvider } from './support/console.ts';
import { claimsOf, currentToken, enrolGreenHolder } from './support/holders.ts';
import { saveScreenshot } from './support/screenshots.ts';

const baseUrl = inject('webBaseUrl');
let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'tricolor-console-'));
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const text = async (page: Page, testId: string) => (await page.locator(`[data-testid=${testId}]`).textContent())?.trim();

test('an auditor signs in, reads everything, sees no control that changes data, and the Worker refuses a change anyway', async () => {
  const holder = await enrolGreenHolder(baseUrl);
  const { context, page, problems } = await openConsole(browser, baseUrl, inject('webAuditorToken'), 'holder');
  expect(await text(page, 'signed-in-as')).toContain('web-test-auditor');
  // No import section for an auditor.
  expect(await page.locator('[data-testid=nav-import]').count()).toBe(0);
  await page.locator('[data-testid=holder-query]').fill(holder.holderId);
  await page.locator('[data-testid=holder-query]').press('Enter');
  await page.locator('[data-testid=holder-view]').waitFor();
  expect(await page.locator('[data-testid=change-form]').count()).toBe(0);
  // Straight to the API with the auditor's session cookie, as a tampered page would.
  const refused = await page.evaluate(async (id) => {
    const r = await fetch(`/v1/admin/holders/${id}/status`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ color: 'red', reason: 'auditor attempt' }),
    });
    return [r.status, ((await r.json()) as { error: { code: string } }).error.code];
  }, holder.holderId);
  expect(refused).toEqual([403, 'forbidden']);
  const imported = await page.evaluate(async () => {
    const r = await fetch('/v1/admin/holders/import', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'idNumber,color,reason\n',
    });
    return r.status;
  });
  expect(imported).toBe(403);
  // The session is an HttpOnly cookie: nothing script-readable holds a credential.
  const stored = await page.evaluate(() => [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)]);
  expect(stored.join('')).not.toContain(inject('webAuditorToken'));
  expect(stored[0]).toBe('');
  expect(problems).toEqual([]);
  await context.close();
});

/** Signs a generated dev identity in (green) and returns its holder id and the ID number an import names it by. */
async function enrolDevIdentity(login: string): Promise<{ holderId: string; idNumber: string; token: string }> {
  const secret = await signInDevIdentity(fetch, baseUrl, login, { symptoms: false, contactWithCase: false, fromHighRiskArea: false });
  const r = await fetch(`${baseUrl}/v1/holders/me/token`, { headers: { authorization: `Bearer ${secret}` } });
  expect(r.status).toBe(200);
  const { holderId, token } = (await r.json()) as { holderId: string; token: string };
  return { holderId, idNumber: devIdentity(login)!.idNumber, token };
}

let rowCounter = 0;
const runRegion = `99${String(Math.floor(Date.now() / 1000) % 10_000).padStart(4, '0')}`;
/**
 * A valid GB 11643 number nobody enrolled (the dev provider's generated ones start 330106): region
 * 99xxxx for this run, one birth day per call from 1930 on, check digit from scripts/lib.
 */
function unenrolledIdNumber(): string {
  const born = new Date(Date.UTC(1930, 0, 1) + rowCounter++ * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${runRegion}${born}000`;
  return first17 + gb11643CheckDigit(first17);
}

/** The same number with its check digit changed: the typo an import must name, not keep. */
function mistypedIdNumber(): string {
  const valid = unenrolledIdNumber();
  return valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
}

async function runImport(page: Page, file: string): Promise<Record<string, string | undefined>> {
  await page.locator('[data-testid=import-file]').setInputFiles(file);
  await page.locator('[data-testid=import-start]').click();
  await page.locator('[data-testid=import-outcome]').filter({ hasText: 'Import finished.' }).waitFor({ timeout: 120_000 });
  const out: Record<string, string | undefined> = {};
  for (const id of ['import-percent', 'import-sent', 'import-applied', 'import-unchanged', 'import-unknown', 'import-rejected'])
    out[id] = await text(page, id);
  out.progress = (await page.locator('[data-testid=import-progress]').getAttribute('value')) ?? undefined;
  return out;
}

test('imports a 20,000-row file in chunks, reaches 100 %, reports every row with file line numbers, and a re-run changes nothing', async () => {
  const run = crypto.randomUUID().slice(0, 8);
  const known = [];
  for (let i = 0; i < 5; i++) known.push(await enrolDevIdentity(`gen-console-${run}-${i}`));
  const knownIds = known.map((k) => k.idNumber);
  const holderIds = known.map((k) => k.holderId);
  const lines = ['idNumber,color,reason'];
  const expectedRejected: [number, RegExp][] = [];
  while (lines.length <= 20_000) {
    const line = lines.length + 1;
    if (line <= 1 + knownIds.length) lines.push(`${knownIds[line - 2]},yellow,"list 2026-12, district 3"`);
    else if (line === 7_777) {
      lines.push(`${unenrolledIdNumber()},purple,bad colour`);
      expectedRejected.push([line, /color/]);
    } else if (line === 12_345) {
      lines.push(`${mistypedIdNumber()},red,typo in the list`);
      expectedRejected.push([line, /check digit/]);
    } else if (line === 15_001) {
      lines.push('only,two');
      expectedRejected.push([line, /expected 3 fields/]);
    } else if (line === 19_999) {
      lines.push(`${unenrolledIdNumber()},red,`);
      expectedRejected.push([line, /reason/]);
    } else lines.push(`${unenrolledIdNumber()},yellow,list 2026-12 row ${line}`);
  }
  expect(lines.length - 1).toBe(20_000);
  const file = join(dir, 'key-people.csv');
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);

  const { context, page, problems } = await openConsole(browser, baseUrl, inject('webOperatorToken'), 'import');
  const chunkRequests: number[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/v1/admin/holders/import'))
      chunkRequests.push((r.postData() ?? '').split('\n').filter((l) => l.trim() !== '').length - 1);
  });
  const first = await runImport(page, file);
  const unknown = 20_000 - knownIds.length - expectedRejected.length;
  expect(first).toEqual({
    'import-percent': '100 %',
    progress: '100',
    'import-sent': '20000',
    'import-applied': String(knownIds.length),
    'import-unchanged': '0',
    'import-unknown': String(unknown),
    'import-rejected': String(expectedRejected.length),
  });
  // Four chunks of at most 5,000 rows each.
  expect(chunkRequests).toEqual([5000, 5000, 5000, 5000]);
  const rejectedRows = await page.locator('[data-testid=rejected-table] tbody tr').allTextContents();
  expect(rejectedRows).toHaveLength(expectedRejected.length);
  for (const [i, [line, reason]] of expectedRejected.entries()) {
    expect(rejectedRows[i]!.startsWith(String(line))).toBe(true);
    expect(rejectedRows[i]).toMatch(reason);
  }
  await saveScreenshot(page, 'console-import.png');
  const downloading = page.waitForEvent('download');
  await page.locator('[data-testid=rejected-download]').click();
  const csv = readFileSync((await (await downloading).path())!, 'utf8');
  expect(
    csv
      .trimEnd()
      .split('\r\n')
      .map((l) => l.split(',')[0]),
  ).toEqual(['line', ...expectedRejected.map(([line]) => String(line))]);
  for (const holderId of holderIds) {
    const view = await fetch(`${baseUrl}/v1/admin/holders/${holderId}`, {
      headers: { authorization: `Bearer ${inject('webOperatorToken')}` },
    });
    expect(((await view.json()) as { status: { color: string } }).status.color).toBe('yellow');
  }

  const again = await runImport(page, file);
  expect(again).toMatchObject({
    'import-percent': '100 %',
    'import-sent': '20000',
    'import-applied': '0',
    'import-unchanged': String(knownIds.length),
    'import-unknown': String(unknown),
    'import-rejected': String(expectedRejected.length),
  });
  expect(problems).toEqual([]);
  await context.close();
});

test('finds a holder, changes their status behind a confirmation, and the change reaches the signed revocation feed', async () => {
  const holder = await enrolGreenHolder(baseUrl);
  const before = claimsOf(await currentToken(baseUrl, holder.secret));
  const { context, page, problems } = await openConsole(browser, baseUrl, inject('webOperatorToken'), 'holder');
  // Keyboard only: the lookup field, Enter, then the change form.
  await page.locator('[data-testid=holder-query]').focus();
  await page.keyboard.type(holder.holderId);
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=holder-view]').waitFor();
  expect(await text(page, 'holder-color')).toBe('Green');
  await page.locator('[data-testid=new-color]').selectOption('red');
  await page.locator('[data-testid=reason]').fill('positive test, district lab 12');
  const confirm = page.locator('[data-testid=confirm]');
  // Escape backs out of the confirmation, changing nothing, and returns focus to the form.
  await page.getByRole('button', { name: 'Review change' }).press('Enter');
  await confirm.waitFor();
  await page.keyboard.press('Escape');
  await confirm.waitFor({ state: 'detached' });
  expect(await isFocused(page.locator('[data-testid=review-change]'))).toBe(true);
  expect(await text(page, 'holder-color')).toBe('Green');
  await page.keyboard.press('Enter');
  await confirm.waitFor();
  expect(await confirm.textContent()).toContain('Their current codes stop verifying once checkpoints sync');
  await saveScreenshot(page, 'console-holder.png');
  // The confirmation has focus: Enter confirms.
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=holder-view][data-color=red]').waitFor();
  expect(await text(page, 'holder-notice')).toBe('Status set to Red.');
  // Newest first, with who, from, to and why.
  expect(await page.locator('[data-testid=history] li').first().textContent()).toMatch(
    /Green → Red, by web-test-operator \(operator\): positive test, district lab 12/,
  );
  // Red: a check-in run starts today, not yet done; after the holder checks in, today counts.
  expect(await page.locator('[data-testid=checkin-run] li').evaluateAll((li) => li.map((l) => l.getAttribute('data-counted')))).toEqual([
    'no',
  ]);
  const checkin = await fetch(`${baseUrl}/v1/holders/me/checkins`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${holder.secret}` },
    body: JSON.stringify({ symptoms: false, temperature: 36.5 }),
  });
  expect(checkin.status).toBe(201);
  await page.getByRole('button', { name: 'Look up' }).click();
  await page.locator('[data-testid=checkin-run] li[data-counted=yes]').waitFor();
  expect(await page.locator('[data-testid=checkin-run]').textContent()).toContain('36.5 °C');

  // What a checkpoint syncs: the feed, verified with the Worker's signing key.
  const signer = await createSigner(fromBase64Url(inject('webSigningSeed')));
  const feedBytes = new Uint8Array(await (await fetch(`${baseUrl}/v1/revocations?since=0`)).arrayBuffer());
  const feed = await verifyRevocationFeed(feedBytes, {
    keys: [{ kid: signer.kid, publicKey: signer.publicKey, state: 'active', validFrom: 0 }],
    now: Math.floor(Date.now() / 1000),
  });
  if (!feed.ok) throw new Error(`feed does not verify: ${feed.reason}`);
  // The green code from before the change is listed: its index in its window and epoch.
  const applied = applyRevocationFeed(undefined, feed.feed, Math.floor(Date.now() / 1000));
  if (!applied.ok) throw new Error(applied.detail);
  expect(isWindowIndexRevoked(applied.state.sets, windowOf(before.iat), before.revocationEpoch ?? 0, before.windowIndex)).toBe(true);
  expect(problems).toEqual([]);
  await context.close();
});

test('filters the audit log by time range, and the export link carries the same filter', async () => {
  const holder = await enrolGreenHolder(baseUrl);
  const before = Math.floor(Date.now() / 1000);
  const r = await fetch(`${baseUrl}/v1/admin/holders/${holder.holderId}/status`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${inject('webOperatorToken')}` },
    body: JSON.stringify({ color: 'yellow', reason: 'audit filter by time' }),
  });
  expect(r.status).toBe(200);
  const { context, page, problems } = await openConsole(browser, baseUrl, inject('webOperatorToken'), 'audit');
  await page.locator('[data-testid=audit-table]').waitFor();
  // datetime-local in the browser's zone: the minute of the change to two minutes later.
  const local = (seconds: number) =>
    page.evaluate((s) => {
      const d = new Date(s * 1000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    }, seconds);
  const from = before - (before % 60);
  await page.locator('[data-testid=audit-from]').fill(await local(from));
  await page.locator('[data-testid=audit-to]').fill(await local(from + 180));
  // The unfiltered page may already show the change: wait for the filtered answer, not the text.
  const filtered = page.waitForResponse((r) => r.url().includes('/v1/admin/audit?') && r.url().includes(`from=${from}`));
  await page.locator('[data-testid=audit-apply]').click();
  await filtered;
  await page
    .locator('[data-testid=audit-export]')
    .and(page.locator(`[href*="from=${from}"]`))
    .waitFor();
  await page.locator('[data-testid=audit-table]').filter({ hasText: 'audit filter by time' }).waitFor();
  const times = await page
    .locator('[data-testid=audit-table] tbody tr')
    .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-at'))));
  expect(times.length).toBeGreaterThan(0);
  for (const at of times) expect(at >= from && at < from + 180).toBe(true);
  const href = await page.locator('[data-testid=audit-export]').getAttribute('href');
  expect(href).toBe(`/v1/admin/audit/export?from=${from}&to=${from + 180}`);
  await saveScreenshot(page, 'console-audit.png');

  // A range a day in the past holds none of it.
  await page.locator('[data-testid=audit-from]').fill(await local(from - 2 * 86400));
  await page.locator('[data-testid=audit-to]').fill(await local(from - 86400));
  await page.locator('[data-testid=audit-apply]').click();
  await page.getByText('No entries match.').waitFor();
  expect(problems).toEqual([]);
  await context.close();
});

test('the dashboard shows the counts and the 30-day chart', async () => {
  const { context, page, problems } = await openConsole(browser, baseUrl, inject('webOperatorToken'), 'dashboard');
  await page.locator('[data-testid=daily-chart] canvas').waitFor();
  const counts = (await (
    await fetch(`${baseUrl}/v1/admin/dashboard`, { headers: { authorization: `Bearer ${inject('webOperatorToken')}` } })
  ).json()) as { colors: Record<string, number> };
  for (const color of ['green', 'yellow', 'red'])
    expect(await page.locator(`[data-testid=color-counts] td[data-color=${color}]`).textContent()).toBe(
      counts.colors[color]!.toLocaleString('en-US'),
    );
  expect(await page.locator('[data-testid=daily-table] tbody tr').count()).toBe(30);
  await saveScreenshot(page, 'console-dashboard.png');
  expect(problems).toEqual([]);
  await context.close();
});

test('works from the keyboard alone: sign in, move between sections, sign out', async () => {
  const { context, page, problems } = await openPage(browser, baseUrl, '/console', { viewport: { width: 1280, height: 900 } });
  const token = page.locator('[data-testid=signin] input[name=token]');
  await token.waitFor();
  // Chinese and back, from the keyboard.
  await tabTo(page, page.locator('[data-testid=language-switch]'));
  await page.keyboard.press('Enter');
  await page.getByText('工作人员登录').waitFor();
  await page.keyboard.press('Enter');
  await page.getByText('Staff sign-in').waitFor();
  await tabTo(page, token);
  await page.keyboard.type(inject('webOperatorToken'));
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=signed-in-as]').waitFor();
  // The token field is gone and nothing kept the token.
  expect(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie)).not.toContain(
    inject('webOperatorToken'),
  );
  const keysLink = page.locator('[data-testid=nav-keys]');
  await tabTo(page, keysLink);
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=keys-table]').waitFor();
  expect(await text(page, 'keys-version')).toContain('Trust list version 1');
  await saveScreenshot(page, 'console-keys.png');
  await tabTo(page, page.locator('[data-testid=sign-out]'), 40);
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=signin]').waitFor();
  // Signed out means the cookie is gone: a reload asks to sign in again.
  await page.reload();
  await page.locator('[data-testid=signin]').waitFor();
  expect(problems).toEqual([]);
  await context.close();
});

test('warns on the keys page when the trust list is due in less than a day', async () => {
  const { context, page } = await openPage(browser, baseUrl, '/console', { viewport: { width: 1280, height: 900 } });
  // The real answer, with the next update moved to 6 hours from now (the test list is due in 7 days).
  await page.route('**/v1/admin/keys', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { now: number; nextUpdate: number; secondsToNextUpdate: number };
    await route.fulfill({ response, json: { ...body, nextUpdate: body.now + 6 * 3600, secondsToNextUpdate: 6 * 3600 } });
  });
  await page.locator('[data-testid=signin] input[name=token]').fill(inject('webAuditorToken'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid=nav-keys]').click();
  await page.locator('[data-testid=keys-warning]').waitFor();
  expect(await text(page, 'keys-warning')).toContain('less than a day');
  await context.close();
});

test('the console is never precached on checkpoint phones: the service worker lists none of its files', async () => {
  const html = await (await fetch(`${baseUrl}/console`)).text();
  const entry = /<script[^>]+src="\/(assets\/console-[^"]+\.js)"/.exec(html)?.[1];
  expect(entry).toBeDefined();
  const sw = await (await fetch(`${baseUrl}/sw.js`)).text();
  // The verifier's own entry is listed (the check can fail), the console's and uPlot's are not.
  const verifierEntry = /<script[^>]+src="\/(assets\/verifier-[^"]+\.js)"/.exec(await (await fetch(`${baseUrl}/`)).text())?.[1];
  expect(sw).toContain(verifierEntry);
  expect(sw).not.toContain(entry);
  expect(sw).not.toContain('daily-chart');
  expect(sw).not.toContain('console.html');
  const stylesheet = /<link[^>]+href="\/(assets\/console-[^"]+\.css)"/.exec(html)?.[1];
  expect(stylesheet).toBeDefined();
  expect(sw).not.toContain(stylesheet);
});

test('cancels an import between chunks: what was answered stays applied, nothing more is sent', async () => {
  const lines = ['idNumber,color,reason'];
  for (let i = 0; i < 12_000; i++) lines.push(`${unenrolledIdNumber()},red,cancel test`);
  const file = join(dir, 'cancel.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const { context, page, problems } = await openConsole(browser, baseUrl, inject('webOperatorToken'), 'import');
  // Hold the second chunk until the official has pressed Cancel; the first goes through to the Worker.
  let requests = 0;
  let release: () => void = () => {};
  const cancelled = new Promise<void>((r) => (release = r));
  await page.route('**/v1/admin/holders/import', async (route) => {
    requests++;
    if (requests === 2) await cancelled;
    await route.continue().catch(() => {}); // aborted by the page: nothing to continue
  });
  await page.locator('[data-testid=import-file]').setInputFiles(file);
  await page.locator('[data-testid=import-start]').click();
  await page.locator('[data-testid=import-sent]').filter({ hasText: '5000' }).waitFor();
  await page.locator('[data-testid=import-cancel]').click();
  release();
  await page.locator('[data-testid=import-outcome]').filter({ hasText: 'Import cancelled.' }).waitFor();
  expect(await text(page, 'import-sent')).toBe('5000');
  expect(await text(page, 'import-unknown')).toBe('5000');
  expect(Number((await text(page, 'import-percent'))!.replace(' %', ''))).toBeLessThan(100);
  expect(requests).toBe(2);
  expect(problems).toEqual([]);
  await context.close();
});

test('runs under a Content Security Policy with no inline script and no inline style attributes', async () => {
  const csp =
    "default-src 'self'; script-src 'self'; style-src-attr 'none'; object-src 'none'; base-uri 'none'; img-src 'self' data: blob:";
  const { context, page, problems } = await openPage(browser, baseUrl, '/', { viewport: { width: 1280, height: 900 } });
  // The console page exactly as the Worker serves it, with this policy added.
  await page.route('**/console', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
  });
  await page.addInitScript(() => {
    (window as unknown as { violations: string[] }).violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { violations: string[] }).violations.push(
        `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
      ),
    );
  });
  await page.goto(`${baseUrl}/console`);
  await page.locator('[data-testid=signin] input[name=token]').fill(inject('webOperatorToken'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid=daily-chart] canvas').waitFor();
  for (const section of ['holder', 'import', 'audit', 'keys']) {
    await page.locator(`[data-testid=nav-${section}]`).click();
    await page.locator(`[data-testid=${section === 'holder' ? 'holder-page' : `${section}-page`}]`).waitFor();
  }
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});

test('imports an NDJSON file the same way, with file line numbers in its report', async () => {
  const run = crypto.randomUUID().slice(0, 8);
  const known = await enrolDevIdentity(`gen-ndjson-${run}`);
  const rows = [
    JSON.stringify({ idNumber: known.idNumber, color: 'red', reason: 'ndjson list' }),
    '',
    '{"idNumber": "oops"',
    JSON.stringify({ idNumber: unenrolledIdNumber(), color: 'yellow', reason: 'nobody' }),
  ];
  const file = join(dir, 'key-people.ndjson');
  writeFileSync(file, `${rows.join('\n')}\n`);
  const { context, page, problems } = await openConsole(browser, baseUrl, inject('webOperatorToken'), 'import');
  expect(await runImport(page, file)).toMatchObject({
    'import-percent': '100 %',
    'import-sent': '3',
    'import-applied': '1',
    'import-unchanged': '0',
    'import-unknown': '1',
    'import-rejected': '1',
  });
  expect(await page.locator('[data-testid=rejected-table] tbody tr').allTextContents()).toEqual(['3not valid JSON']);
  expect(problems).toEqual([]);
  await context.close();
});

/** The holder-lookup audit rows since `after` (the operator's bearer token: automation reads the same log). */
async function lookupAudits(after: number, holderId?: string): Promise<{ holderId: string | null; detail: unknown; actor: string }[]> {
  const q = new URLSearchParams({ action: 'holder.lookup', actor: 'web-test-operator', from: String(after) });
  if (holderId) q.set('holderId', holderId);
  const r = await fetch(`${baseUrl}/v1/admin/audit?${q}`, { headers: { authorization: `Bearer ${inject('webOperatorToken')}` } });
  expect(r.status).toBe(200);
  return ((await r.json()) as { entries: { holderId: string | null; detail: unknown; actor: string }[] }).entries;
}

async function lookUp(page: Page, query: string): Promise<void> {
  // While a lookup runs the search button is disabled, and Enter in a form whose submit button is
  // disabled submits nothing (HTML implicit submission): wait for it as a person would.
  await page.locator('form[role=search] button[type=submit]:not([disabled])').waitFor();
  await page.locator('[data-testid=holder-query]').fill(query);
  await page.locator('[data-testid=holder-query]').press('Enter');
}

test('finds a holder by ID number and by a code a checkpoint scanned, and each lookup is audited', async () => {
  const person = await enrolDevIdentity(`gen-lookup-${crypto.randomUUID().slice(0, 8)}`);
  const started = Math.floor(Date.now() / 1000) - 1;
  const { context, page, problems } = await openConsole(browser, baseUrl, inject('webOperatorToken'), 'holder');
  await lookUp(page, person.idNumber);
  await page.locator('[data-testid=holder-view]').waitFor();
  const sub = await text(page, 'holder-sub');
  expect(sub).toMatch(/^[A-Z2-7]{8}$/);
  expect(await text(page, 'holder-color')).toBe('Green');
  // The ID number went in a POST body, never in a URL.
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  // Now by the code a checkpoint scanned: its QR text, sent as the (window, epoch, window index) it names.
  const { iat, revocationEpoch, windowIndex } = claimsOf(person.token);
  const byCode = page.waitForResponse(
    (r) =>
      r.url().endsWith('/v1/admin/holders/lookup') &&
      r.request().postData() === JSON.stringify({ code: { window: windowOf(iat), epoch: revocationEpoch ?? 0, windowIndex } }),
  );
  await lookUp(page, person.token);
  expect((await byCode).status()).toBe(200);
  await page.locator('[data-testid=holder-view]').waitFor();
  expect(await text(page, 'holder-sub')).toBe(sub);
  const again = page.waitForResponse((r) => r.url().endsWith('/v1/admin/holders/lookup'));
  await lookUp(page, person.idNumber);
  expect((await again).status()).toBe(200);
  await page.locator('[data-testid=holder-view]').waitFor();
  expect(urls.some((u) => u.includes(person.idNumber))).toBe(false);

  const audits = await lookupAudits(started, person.holderId);
  expect(audits.map((a) => (a.detail as { by: string }).by).sort()).toEqual(['code', 'idNumber', 'idNumber']);
  for (const a of audits) expect(a.detail).toMatchObject({ found: true, role: 'operator' });
  // The audit page shows them too, and never the ID number.
  await page.locator('[data-testid=nav-audit]').click();
  await page.locator('[data-testid=audit-filter] input[name=action]').fill('holder.lookup');
  await page.locator('[data-testid=audit-filter] input[name=holderId]').fill(person.holderId);
  await page.locator('[data-testid=audit-apply]').click();
  await expect.poll(() => page.locator('[data-testid=audit-table] tbody tr').count()).toBe(3);
  expect(await page.locator('[data-testid=audit-table] tbody').textContent()).toContain('web-test-operator');
  expect(JSON.stringify(audits)).not.toContain(person.idNumber);
  expect(problems).toEqual([]);
  await context.close();
});

test('a person on a key-people list who has not enrolled: the lookup by ID number shows the pending entry and its import', async () => {
  const idNumber = unenrolledIdNumber();
  const started = Math.floor(Date.now() / 1000) - 1;
  const imported = await fetch(`${baseUrl}/v1/admin/holders/import`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${inject('webOperatorToken')}` },
    body: `idNumber,color,reason\n${idNumber},red,close contact list 7\n`,
  });
  expect(imported.status).toBe(200);
  const report = (await imported.json()) as { importId: string; pending: number };
  expect(report.pending).toBe(1);
  const { context, page, problems } = await openConsole(browser, baseUrl, inject('webOperatorToken'), 'holder');
  await lookUp(page, idNumber);
  await page.locator('[data-testid=pending] li').waitFor();
  expect(await page.locator('[data-testid=holder-view]').count()).toBe(0);
  expect(await text(page, 'holder-not-enrolled')).toContain('has not enrolled yet');
  const entry = await page.locator('[data-testid=pending] li').textContent();
  expect(entry).toContain('Red: close contact list 7');
  expect(entry).toContain(`import ${report.importId}, line 2`);
  // Someone on no list and not enrolled: not found, and audited as such.
  await lookUp(page, unenrolledIdNumber());
  await page.getByRole('alert').filter({ hasText: 'No holder and no pending list entry' }).waitFor();
  // A mistyped number is named as a typo, not answered "not found".
  await lookUp(page, mistypedIdNumber());
  await page.getByRole('alert').filter({ hasText: 'check digit does not match' }).waitFor();
  const audits = await lookupAudits(started);
  expect(audits.map((a) => [a.holderId, a.detail])).toEqual(
    expect.arrayContaining([
      [null, { by: 'idNumber', found: false, pending: 1, role: 'operator' }],
      [null, { by: 'idNumber', found: false, pending: 0, role: 'operator' }],
    ]),
  );
  expect(problems).toEqual([]);
  await context.close();
});

test('the dev auditor signs in through the identity provider and can change nothing: the UI hides it and the API refuses it', async () => {
  const holder = await enrolGreenHolder(baseUrl);
  const { context, page, problems } = await openConsoleThroughProvider(
    browser,
    baseUrl,
    inject('webProviderUrl'),
    'dev-auditor',
    DEV_PASSWORD,
  );
  expect(await text(page, 'signed-in-as')).toContain('Dev Auditor');
  expect(await page.locator('[data-testid=nav-import]').count()).toBe(0);
  await page.locator('[data-testid=nav-holder]').click();
  await lookUp(page, holder.holderId);
  await page.locator('[data-testid=holder-view]').waitFor();
  expect(await page.locator('[data-testid=change-form]').count()).toBe(0);
  const refused = await page.evaluate(async (id) => {
    const r = await fetch(`/v1/admin/holders/${id}/status`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ color: 'red', reason: 'auditor attempt' }),
    });
    return [r.status, ((await r.json()) as { error: { code: string } }).error.code];
  }, holder.holderId);
  expect(refused).toEqual([403, 'forbidden']);
  expect(await text(page, 'holder-color')).toBe('Green');
  // The session is the HttpOnly cookie: nothing script-readable.
  expect(await page.evaluate(() => document.cookie + JSON.stringify(localStorage) + JSON.stringify(sessionStorage))).not.toContain(
    'tc_staff',
  );
  expect(problems).toEqual([]);
  await context.close();
});

test('the dev operator signs in through the identity provider and changes a status', async () => {
  const holder = await enrolGreenHolder(baseUrl);
  const { context, page, problems } = await openConsoleThroughProvider(
    browser,
    baseUrl,
    inject('webProviderUrl'),
    'dev-operator',
    DEV_PASSWORD,
  );
  expect(await text(page, 'signed-in-as')).toContain('Dev Operator');
  await page.locator('[data-testid=nav-holder]').click();
  await lookUp(page, holder.holderId);
  await page.locator('[data-testid=holder-view]').waitFor();
  await page.locator('[data-testid=new-color]').selectOption('yellow');
  await page.locator('[data-testid=reason]').fill('contact of a case, district 4');
  await page.getByRole('button', { name: 'Review change' }).click();
  await page.locator('[data-testid=confirm-change]').click();
  await page.locator('[data-testid=holder-view][data-color=yellow]').waitFor();
  expect(await page.locator('[data-testid=history] li').first().textContent()).toMatch(
    /by Dev Operator \(operator\): contact of a case, district 4/,
  );
  expect(problems).toEqual([]);
  await context.close();
});

test('a person with no staff role is refused with a plain message and no session', async () => {
  const { context, page, problems } = await openConsoleThroughProvider(
    browser,
    baseUrl,
    inject('webProviderUrl'),
    'wang-xiaoming',
    DEV_PASSWORD,
  );
  expect(await text(page, 'signin-error')).toContain('Your account has no console role');
  expect(await page.locator('[data-testid=signed-in-as]').count()).toBe(0);
  // The code went in the fragment and was dropped from the address.
  expect(page.url()).toBe(`${baseUrl}/console`);
  expect(await page.evaluate(async () => (await fetch('/v1/admin/session')).status)).toBe(401);
  expect(problems).toEqual([]);
  await context.close();
});

test('the history names the import run that changed a holder', async () => {
  const person = await enrolDevIdentity(`gen-traced-${crypto.randomUUID().slice(0, 8)}`);
  const imported = await fetch(`${baseUrl}/v1/admin/holders/import`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${inject('webOperatorToken')}` },
    body: `idNumber,color,reason\n${person.idNumber},yellow,list 2026-12 district 5\n`,
  });
  expect(imported.status).toBe(200);
  const report = (await imported.json()) as { importId: string; applied: number };
  expect(report.applied).toBe(1);
  const { context, page, problems } = await openConsole(browser, baseUrl, inject('webOperatorToken'), 'holder');
  await lookUp(page, person.idNumber);
  await page.locator('[data-testid=holder-view][data-color=yellow]').waitFor();
  const entries = page.locator('[data-testid=history] li');
  expect(await entries.first().textContent()).toContain('list 2026-12 district 5');
  expect(await entries.first().locator('[data-testid=history-import]').textContent()).toBe(`import ${report.importId}`);
  // The enrolment above it came from no import.
  expect(await entries.nth(1).locator('[data-testid=history-import]').count()).toBe(0);
  expect(problems).toEqual([]);
  await context.close();
});
