// Security headers that fit each response (docs/operations.md "Security headers"), checked on the
// real Worker with its real static assets, and in Chromium: the verifier and the wallet load,
// sync and decode with no Content-Security-Policy violation reported.
import type { Browser } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { launchChromium, openPage, waitForSyncedData } from './support/browser.ts';
import { enrolGreenHolder } from './support/holders.ts';

const baseUrl = inject('webBaseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const directives = (csp: string | null) =>
  new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...v]) => [name!, v]),
  );

describe('headers', () => {
  test.each(['/', '/wallet', '/v1/trust-list', '/v1/revocations?since=0', '/healthz', '/no-such-route', '/manifest.webmanifest'])(
    '%s carries HSTS, nosniff, no-referrer and refuses framing',
    async (path) => {
      const res = await fetch(baseUrl + path);
      expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    },
  );

  test('the verifier page: a strict CSP, WebAssembly for the decoder, the camera for itself only', async () => {
    const res = await fetch(`${baseUrl}/`);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(res.headers.get('permissions-policy')).toMatch(/(^|, )camera=\(self\)(,|$)/);
  });

  test('the wallet page: no WebAssembly, no inline script, no camera', async () => {
    const res = await fetch(`${baseUrl}/wallet`);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers.get('permissions-policy')).toMatch(/(^|, )camera=\(\)(,|$)/);
  });

  test('the console page: no inline script or style, and no form-action, so staff sign-in can redirect to the provider', async () => {
    const res = await fetch(`${baseUrl}/console`);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.has('form-action')).toBe(false);
  });

  test('API responses are data: nothing may load or frame them', async () => {
    const res = await fetch(`${baseUrl}/v1/trust-list`);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });
});

describe('in Chromium, with the policies enforced', () => {
  test('the verifier loads, syncs, decodes a QR image with ZXing and verifies it without a CSP violation', async () => {
    const { token } = await enrolGreenHolder(baseUrl);
    const png = await QRCode.toBuffer(token, { errorCorrectionLevel: 'M', margin: 4, scale: 6 });
    const { context, page, problems } = await openPage(browser, baseUrl);
    await waitForSyncedData(page);
    // Headless Chromium has no BarcodeDetector, so this runs ZXing's WebAssembly: the one thing
    // that needs 'wasm-unsafe-eval'.
    await page.locator('[data-testid=image-input]').setInputFiles({ name: 'code.png', mimeType: 'image/png', buffer: png });
    const shown = page.locator('[data-testid=verdict]');
    await expect.poll(() => shown.getAttribute('data-result'), { timeout: 15_000 }).toBe('valid');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('the wallet loads without a CSP violation', async () => {
    const { context, page, problems } = await openPage(browser, baseUrl, '/wallet');
    await page.locator('body').waitFor();
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
    await context.close();
  });

  test('a page that tries inline script is stopped and reported, so the check above can fail', async () => {
    const { context, page, problems } = await openPage(browser, baseUrl);
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
    });
    await expect.poll(() => problems.join('\n')).toMatch(/CSP|securitypolicyviolation/);
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
    await context.close();
  });
});
