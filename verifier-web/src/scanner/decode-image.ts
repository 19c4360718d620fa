// Reads the QR code in a photo or image file.
import { loadQrDetector } from './qr-detector.ts';

export type ImageDecode = { ok: true; text: string } | { ok: false; error: 'no_code' | 'unreadable' };

export async function decodeImageFile(file: Blob): Promise<ImageDecode> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { ok: false, error: 'unreadable' };
  }
  try {
    const detector = await loadQrDetector();
    const found = await detector.detect(bitmap);
    return found[0] ? { ok: true, text: found[0] } : { ok: false, error: 'no_code' };
  } finally {
    bitmap.close();
  }
}
