// Finds QR codes in images and video frames: the browser's BarcodeDetector where it has one,
// otherwise the ZXing WebAssembly reader, loaded only when first needed (it is not part of the
// initial bundle, docs/verifier.md budgets).

export interface QrDetector {
  detect(source: ImageBitmapSource): Promise<string[]>;
}

interface NativeBarcodeDetector {
  detect(source: ImageBitmapSource): Promise<{ rawValue: string }[]>;
}
interface NativeBarcodeDetectorClass {
  new (options: { formats: string[] }): NativeBarcodeDetector;
  getSupportedFormats(): Promise<string[]>;
}

let detector: Promise<QrDetector> | undefined;

export function loadQrDetector(): Promise<QrDetector> {
  detector ??= pickDetector().catch((e: unknown) => {
    detector = undefined; // a failed load (offline before caching) may succeed later
    throw e;
  });
  return detector;
}

async function pickDetector(): Promise<QrDetector> {
  const Native = (globalThis as { BarcodeDetector?: NativeBarcodeDetectorClass }).BarcodeDetector;
  if (Native && (await Native.getSupportedFormats().catch((): string[] => [])).includes('qr_code')) {
    const native = new Native({ formats: ['qr_code'] });
    return { detect: async (source) => (await native.detect(source)).map((b) => b.rawValue) };
  }
  const { createZxingDetector } = await import('./zxing-detector.ts');
  return createZxingDetector();
}
