// The PWA's revocation sync in real headless Chromium (docs/revocation-feed.md "Sync protocol"):
// the sets it keeps in IndexedDB per (window, epoch), across deltas, restarts and hostile feeds.
// The first tests serve /v1/revocations from feeds signed here with the test Worker's own key
// (so every sync step is under the test's control); the last one runs the real Worker's feed.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import {
  type CborValue,
  createSigner,
  encodeCbor,
  fromBase64Url,
  REVOCATION_FEED_CONTENT_TYPE,
  type StatusPiece,
  signRevocationFeed,
  signTypedDocument,
  windowOf,
} from '../../src/index.ts';
import { launchChromium, openPage, submitCode, waitForServiceWorker, waitForSyncedData } from './support/browser.ts';
import { enrolGreenHolder, setHolderColor } from './support/holders.ts';
import { signGreenTokenAt } from './support/tokens.ts';

const baseUrl = inject('webBaseUrl');
const operatorToken = inject('webOperatorToken');
const signingSeed = inject('webSigningSeed');
const issuer = inject('webIssuer');
const signer = await createSigner(fromBase64Url(signingSeed));
const verdict = '[data-testid=verdict]';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const now = () => Math.floor(Date.now() / 1000);
/** The window of the tokens signed below (issued a minute before now). */
const tokenWindow = () => windowOf(now() - 60);
const piece = (window: number, epoch: number, indices: number[]): StatusPiece => ({
  window,
  epoch,
  domain: 1_000_000,
  indices: Uint32Array.from(indices),
});

function snapshot(toSeq: number, pieces: StatusPiece[]): Promise<Uint8Array> {
  return signRevocationFeed({ issuer, kind: 'snapshot', fromSeq: 0, toSeq, issuedAt: now(), maxTokenLifetime: 86400, pieces }, signer);
}

function delta(fromSeq: number, toSeq: number, pieces: StatusPiece[]): Promise<Uint8Array> {
  return signRevocationFeed({ issuer, kind: 'delta', fromSeq, toSeq, issuedAt: now(), maxTokenLifetime: 86400, pieces }, signer);
}

/** A payload the encoder would refuse to make, signed by the Worker's key: only its contents are hostile. */
function signedPayload(fields: [number, CborValue][]): Promise<Uint8Array> {
  const header: [number, CborValue][] = [
    [1, issuer],
    [2, 1],
    [3, 5],
    [4, 9],
    [5, now()],
    [6, 86400],
  ];
  return signTypedDocument(REVOCATION_FEED_CONTENT_TYPE, encodeCbor(new Map([...header, ...fields])), signer);
}

/** Answers the page's feed requests from `answer(since)`; records each `since` asked for. */
function serveFeed(answer: (since: number) => Promise<Uint8Array>, asked: number[]) {
  return async (context: BrowserContext) => {
    await context.route(`${baseUrl}/v1/revocations*`, async (route) => {
      const since = Number(new URL(route.request().url()).searchParams.get('since') ?? '0');
      asked.push(since);
      await route.fulfill({
        status: 200,
        body: Buffer.from(await answer(since)),
        headers: { 'content-type': 'application/cose', 'cache-control': 'no-store', date: new Date().toUTCString() },
      });
    });
  };
}

/** Submits a code and returns "result" or "result:reason", then dismisses the verdict. */
async function verdictOf(page: Page, token: string): Promise<string> {
  await submitCode(page, token);
  const shown = page.locator(verdict);
  await expect.poll(() => shown.getAttribute('data-result')).not.toBeNull();
  const result = await shown.getAttribute('data-result');
  const reason = await shown.getAttribute('data-reason');
  await page.keyboard.press('Escape');
  await shown.waitFor({ state: 'detached' });
  return reason ? `${result}:${reason}` : `${result}`;
}

/** What the PWA's IndexedDB holds under a key: a set's indices (and that it is a Uint32Array), or the header. */
function stored(page: Page, key: string): Promise<{ type: string; value: unknown } | null> {
  return page.evaluate(
    (k) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('tricolor');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('kv').objectStore('kv').get(k);
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const v = request.result as unknown;
            if (v === undefined) resolve(null);
            else if (v instanceof Uint32Array) resolve({ type: 'Uint32Array', value: [...v] });
            else resolve({ type: typeof v, value: { seq: (v as { seq?: number }).seq } });
          };
        };
      }),
    key,
  );
}

async function syncNow(page: Page, asked: number[], since: number): Promise<void> {
  const before = asked.length;
  await page.getByRole('button', { name: 'Update now' }).click();
  await expect.poll(() => asked.slice(before)).toContain(since);
  await page.getByRole('button', { name: 'Update now' }).and(page.locator(':enabled')).waitFor();
}

describe('revocation sync in the PWA', () => {
  test('a snapshot then a delta revoke by window index; both survive a restart offline, and other codes stay valid', async () => {
    const w = tokenWindow();
    const tokenOf = (windowIndex: number) => signGreenTokenAt(signingSeed, issuer, now(), { windowIndex });
    const [a, b, c] = [await tokenOf(1001), await tokenOf(2002), await tokenOf(3003)];
    // Issued after a downgrade in the same window: same index, epoch 1, not revoked by epoch 0's set.
    const aAfterDowngrade = await signGreenTokenAt(signingSeed, issuer, now(), { windowIndex: 1001, revocationEpoch: 1 });
    let deltaReady = false;
    const asked: number[] = [];
    const answer = async (since: number) => {
      if (since === 0) return snapshot(5, [piece(w - 1, 0, [2002]), piece(w, 0, [1001])]);
      return deltaReady ? delta(5, 6, [piece(w, 0, [2002, 4004])]) : delta(5, 5, []);
    };
    const { context, page, problems } = await openPage(browser, baseUrl, '/', { beforeLoad: serveFeed(answer, asked) });
    await waitForSyncedData(page);
    expect(asked[0]).toBe(0);
    expect(await verdictOf(page, a)).toBe('invalid:token_revoked');
    // 2002 is revoked in the previous window only.
    expect(await verdictOf(page, b)).toBe('valid');
    expect(await verdictOf(page, aAfterDowngrade)).toBe('valid');
    expect(await stored(page, `revocations/${w}/0`)).toEqual({ type: 'Uint32Array', value: [1001] });

    deltaReady = true;
    await syncNow(page, asked, 5);
    expect(await verdictOf(page, b)).toBe('invalid:token_revoked');
    expect(await verdictOf(page, a)).toBe('invalid:token_revoked');
    expect(await verdictOf(page, c)).toBe('valid');
    expect(await stored(page, `revocations/${w}/0`)).toEqual({ type: 'Uint32Array', value: [1001, 2002, 4004] });
    expect(await stored(page, `revocations/${w - 1}/0`)).toEqual({ type: 'Uint32Array', value: [2002] });
    expect(await stored(page, 'revocations')).toMatchObject({ value: { seq: 6 } });

    // Restart with no network: the shell from the service worker, the sets from IndexedDB.
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.reload();
    await page.locator('[data-testid=manual-input]').waitFor();
    expect(await verdictOf(page, a)).toBe('invalid:token_revoked');
    expect(await verdictOf(page, b)).toBe('invalid:token_revoked');
    expect(await verdictOf(page, c)).toBe('valid');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('a hostile feed, properly signed, gives only a reason code and changes nothing held, before or after a restart', async () => {
    const w = tokenWindow();
    const [a, c] = (await Promise.all(
      [1001, 3003].map((windowIndex) => signGreenTokenAt(signingSeed, issuer, now(), { windowIndex })),
    )) as [string, string];
    const hostile: [string, () => Promise<Uint8Array>][] = [
      // 1000 indices claimed in 2 bytes.
      ['bad_status_set', () => signedPayload([[9, [[w, 0, 1_000_000, 1000, 10, Uint8Array.of(1, 2)]]]])],
      // Pieces out of (window, epoch) order.
      [
        'bad_status_set',
        () =>
          signedPayload([
            [
              9,
              [
                [w, 1, 1_000_000, 0, 0, new Uint8Array(0)],
                [w, 0, 1_000_000, 0, 0, new Uint8Array(0)],
              ],
            ],
          ]),
      ],
      // A version 1 payload: baseTime and records instead of pieces.
      [
        'bad_format',
        () =>
          signedPayload([
            [7, now()],
            [8, new Uint8Array(8)],
          ]),
      ],
    ];
    let next: (() => Promise<Uint8Array>) | undefined;
    const asked: number[] = [];
    const answer = (since: number) => (since === 0 || !next ? snapshot(5, [piece(w, 0, [1001])]) : next());
    const { context, page, problems } = await openPage(browser, baseUrl, '/', { beforeLoad: serveFeed(answer, asked) });
    await waitForSyncedData(page);
    expect(await verdictOf(page, a)).toBe('invalid:token_revoked');
    for (const [reason, feed] of hostile) {
      next = feed;
      await syncNow(page, asked, 5);
      await expect
        .poll(() => page.locator('[data-testid=sync-failed]').getAttribute('data-error'))
        .toBe(`revocation feed refused: ${reason}`);
      expect(await verdictOf(page, a)).toBe('invalid:token_revoked');
      expect(await verdictOf(page, c)).toBe('valid');
      expect(await stored(page, `revocations/${w}/0`)).toEqual({ type: 'Uint32Array', value: [1001] });
      expect(await stored(page, 'revocations')).toMatchObject({ value: { seq: 5 } });
    }
    await page.reload();
    await page.locator('[data-testid=manual-input]').waitFor();
    expect(await verdictOf(page, a)).toBe('invalid:token_revoked');
    expect(await verdictOf(page, c)).toBe('valid');
    expect(problems).toEqual([]);
    await context.close();
  });

  test("the Worker's own feed: two holders downgraded one after the other both show revoked, also offline after a restart", async () => {
    const first = await enrolGreenHolder(baseUrl);
    const second = await enrolGreenHolder(baseUrl);
    const bystander = await enrolGreenHolder(baseUrl);
    const { context, page, problems } = await openPage(browser, baseUrl);
    await waitForSyncedData(page);
    expect(await verdictOf(page, first.token)).toBe('valid');

    const asked: number[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/v1/revocations')) asked.push(Number(new URL(r.url()).searchParams.get('since')));
    });
    await setHolderColor(baseUrl, operatorToken, first.holderId, 'red');
    await page.getByRole('button', { name: 'Update now' }).click();
    await expect.poll(() => asked.length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Update now' }).and(page.locator(':enabled')).waitFor();
    expect(await verdictOf(page, first.token)).toBe('invalid:token_revoked');
    expect(await verdictOf(page, second.token)).toBe('valid');

    // The second downgrade arrives as a delta after what the page holds, merged in.
    await setHolderColor(baseUrl, operatorToken, second.holderId, 'yellow');
    const before = asked.length;
    await page.getByRole('button', { name: 'Update now' }).click();
    await expect.poll(() => asked.length).toBeGreaterThan(before);
    await page.getByRole('button', { name: 'Update now' }).and(page.locator(':enabled')).waitFor();
    expect(asked.at(-1)).toBeGreaterThan(0);
    expect(await verdictOf(page, second.token)).toBe('invalid:token_revoked');
    expect(await verdictOf(page, first.token)).toBe('invalid:token_revoked');
    expect(await verdictOf(page, bystander.token)).toBe('valid');

    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.reload();
    await page.locator('[data-testid=manual-input]').waitFor();
    expect(await verdictOf(page, first.token)).toBe('invalid:token_revoked');
    expect(await verdictOf(page, second.token)).toBe('invalid:token_revoked');
    expect(await verdictOf(page, bystander.token)).toBe('valid');
    expect(problems).toEqual([]);
    await context.close();
  });
});
