// Decodes a QR code in a PNG from Node with ZXing (WebAssembly), an implementation independent
// of the `qrcode` package that draws the wallet's QR. The .wasm is read from node_modules, never
// fetched from its default CDN.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

let prepared = false;

export async function decodeQrPng(png: Uint8Array): Promise<string[]> {
  if (!prepared) {
    const wasm = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
    const bytes = readFileSync(wasm);
    prepareZXingModule({
      overrides: { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer },
    });
    prepared = true;
  }
  const results = await readBarcodes(png, { formats: ['QRCode'], tryHarder: true });
  return results.filter((r) => r.isValid).map((r) => r.text);
}
