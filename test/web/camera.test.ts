// Camera scanning with Chromium's fake capture device fed a Y4M video of a QR code made here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launchChromium, openPage, waitForSyncedData } from './support/browser.ts';
import { enrolGreenHolder } from './support/holders.ts';

const baseUrl = inject('webBaseUrl');
let browser: Browser;
let dir: string;
let token: string;

/** YUV4MPEG2 (4:2:0): a text header, then per frame "FRAME\n" + Y plane + U plane + V plane. */
function qrVideo(text: string, width = 640, height = 480, frames = 5): Buffer {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const scale = Math.floor((Math.min(width, height) * 0.9) / (size + 8));
  const left = Math.floor((width - size * scale) / 2);
  const top = Math.floor((height - size * scale) / 2);
  const y = Buffer.alloc(width * height, 235); // white (video range)
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!qr.modules.get(row, col)) continue;
      for (let dy = 0; dy < scale; dy++)
        y.fill(16, (top + row * scale + dy) * width + left + col * scale, (top + row * scale + dy) * width + left + (col + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array<Buffer>(frames).fill(frame)]);
}

beforeAll(async () => {
  ({ token } = await enrolGreenHolder(baseUrl));
  dir = mkdtempSync(join(tmpdir(), 'tricolor-camera-'));
  const video = join(dir, 'qr.y4m');
  writeFileSync(video, qrVideo(token));
  browser = await launchChromium([
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ]);
});
afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the camera reads a QR code from the capture device and shows the verdict', async () => {
  const { context, page, problems } = await openPage(browser, baseUrl);
  await context.grantPermissions(['camera'], { origin: baseUrl });
  await waitForSyncedData(page);
  await page.locator('[data-testid=camera-start]').click();
  const shown = page.locator('[data-testid=verdict]');
  await expect.poll(() => shown.getAttribute('data-result'), { timeout: 20_000 }).toBe('valid');
  expect(await shown.getAttribute('data-color')).toBe('green');
  expect(problems).toEqual([]);
  await context.close();
});
