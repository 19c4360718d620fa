// Bundled for headless Chromium by bench/feed-privacy.ts: verify, decode and apply a signed
// window-pseudonym snapshot with the core exactly as a browser verifier would, timed in the page.
import {
  applyStatusPieces,
  type CborValue,
  decodeCbor,
  parseTypedDocument,
  REVOCATION_FEED_CONTENT_TYPE,
  STATUS_SETS_LIMITS,
  statusPiecesFromCbor,
  type TrustedKey,
  verifySign1Signature,
} from '../../src/index.ts';

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export async function applySnapshot(
  bytesBase64: string,
  publicKeyBase64: string,
  kidBase64: string,
  oldestWindow: number,
): Promise<number> {
  const bytes = fromBase64(bytesBase64);
  const key: TrustedKey = { kid: fromBase64(kidBase64), publicKey: fromBase64(publicKeyBase64), state: 'active', validFrom: 0 };
  const limits = { ...STATUS_SETS_LIMITS, maxItems: STATUS_SETS_LIMITS.maxItems + 16, maxDepth: 3 };
  const started = performance.now();
  const doc = parseTypedDocument(bytes, limits, REVOCATION_FEED_CONTENT_TYPE);
  if (!doc.ok || !(await verifySign1Signature(doc.parsed, key))) throw new Error('snapshot did not verify');
  const payload = decodeCbor(doc.parsed.payload, limits) as Map<number, CborValue>;
  const decoded = statusPiecesFromCbor(payload.get(9)!);
  if (!decoded.ok) throw new Error(decoded.detail);
  const state = applyStatusPieces(undefined, 'snapshot', decoded.pieces, oldestWindow);
  if (state.size === 0) throw new Error('nothing applied');
  return performance.now() - started;
}
