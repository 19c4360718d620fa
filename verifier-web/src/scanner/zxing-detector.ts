// The fallback QR reader: ZXing-C++ compiled to WebAssembly (barcode-detector's ponyfill). Its
// default is to fetch the .wasm from a public CDN; we point it at the copy Vite emits into our own
// assets instead, so it works offline from the service worker's cache and leaks nothing.
import { BarcodeDetector, prepareZXingModule } from 'barcode-detector/ponyfill';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { QrDetector } from './qr-detector.ts';

prepareZXingModule({
  overrides: {
    locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, location.href).href : prefix + path),
  },
});

export function createZxingDetector(): QrDetector {
  const reader = new BarcodeDetector({ formats: ['qr_code'] });
  return { detect: async (source) => (await reader.detect(source as Parameters<typeof reader.detect>[0])).map((b) => b.rawValue) };
}
