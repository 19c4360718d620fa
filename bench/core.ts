// Core figures: verifyToken against raw node:crypto Ed25519 verify, and the token's size.
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import QRCode from 'qrcode';
import {
  createSigner,
  defaultEd25519Backend,
  type Ed25519Backend,
  generateSeed,
  nobleEd25519,
  nodeEd25519,
  parseSign1,
  signToken,
  sigStructure,
  type TrustedKey,
  verifyToken,
  webCryptoEd25519,
} from '../src/index.ts';
import { MAX_MASKED_BYTES } from '../worker/holders/identity.ts';
import { measureRatio } from './measure.ts';
import type { Figure } from './report.ts';

const SECTION = 'Core token';

export async function benchCore(quick: boolean): Promise<Figure[]> {
  const figures: Figure[] = [];
  const signer = await createSigner(generateSeed());
  const now = Math.floor(Date.now() / 1000);
  // What a holder signed in at the provider gets: the masked name and the birth year binding.
  const { text, bytes } = await signToken(
    // A window index of a 70 M-holder domain (a 4-byte uint), epoch 0 (left out), as nearly every token has.
    { iss: 'ZJ', iat: now, exp: now + 86400, color: 'green', maskedName: '王*', birthYear: 1990, windowIndex: 52_345_678 },
    signer,
  );
  const keys: TrustedKey[] = [{ kid: signer.kid, publicKey: signer.publicKey, state: 'active', validFrom: now - 60 }];

  // Raw baseline: node:crypto verifying the very same Sig_structure and signature, key pre-imported.
  const parsed = parseSign1(bytes);
  const message = sigStructure(parsed.protectedBytes, parsed.payload);
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(signer.publicKey)]);
  const keyObject = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const raw = () => {
    if (!nodeVerify(null, message, keyObject, parsed.signature)) throw new Error('baseline failed');
  };
  const full = (backend: Ed25519Backend) => async () => {
    const r = await verifyToken(text, { keys, now, backend });
    if (!r.ok) throw new Error(`verify failed: ${r.reason}`);
  };

  const rounds = quick ? 3 : 5;
  const seconds = quick ? 0.5 : 1.5;
  const chosen = await defaultEd25519Backend();
  for (const backend of [nodeEd25519, webCryptoEd25519, nobleEd25519]) {
    const isDefault = backend === chosen;
    const r = await measureRatio(
      full(backend),
      raw,
      backend === nobleEd25519 ? 1 : rounds,
      backend === nobleEd25519 ? seconds / 2 : seconds,
    );
    figures.push({
      section: SECTION,
      name: `verifyToken ÷ raw node:crypto verify, ${backend.name} backend${isDefault ? ' (Node default)' : ''}`,
      value: `${r.ratio.toFixed(2)} (${Math.round(r.subject)} vs ${Math.round(r.baseline)} ops/s)`,
      ...(isDefault ? { target: '≥ 0.8', met: r.ratio >= 0.8 } : {}),
      note:
        backend.name === 'webcrypto'
          ? 'the path browsers and workerd take; in Node each WebCrypto verify is a hop to the libuv thread pool, which dominates on a small VM'
          : backend.name === 'noble'
            ? 'pure-JS fallback, used only where WebCrypto lacks Ed25519'
            : undefined,
      raw: { ...r },
    });
  }

  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const mode = qr.segments.map((s: { mode: { id: string } }) => s.mode.id).join('+');
  figures.push({
    section: SECTION,
    name: 'Typical green token (iss ZJ, window index of a 70 M domain, masked name 王*, birth year)',
    value: `${bytes.length} B, ${text.length} QR chars, version ${qr.version}-M (${mode})`,
    target: '≤ 220 chars / V8-M; goal ≤ 178 / V7-M',
    met: text.length <= 220 && qr.version <= 8,
    note:
      qr.version <= 7
        ? 'goal met'
        : `goal V7-M missed by ${text.length - 178} characters: the fixed header, five required claims, the name and binding and a 64-byte signature need 116 bytes or fewer for V7 (docs/token-format.md "Size")`,
    raw: { bytes: bytes.length, chars: text.length, version: qr.version },
  });
  // The largest token the issuer can produce: the longest ISSUER (16), red with a status end,
  // a masked name of the issuer's maximum (worker/holders/identity.ts MAX_MASKED_BYTES) and the
  // birth year. The QR size depends on the byte count only, so any 16-byte name is the worst case.
  const largest = await signToken(
    {
      iss: 'X'.repeat(16),
      windowIndex: 2 ** 32 - 1,
      revocationEpoch: 15,
      iat: now,
      exp: now + 86400,
      color: 'red',
      statusEnds: now + 14 * 86400,
      maskedName: 'W'.repeat(MAX_MASKED_BYTES),
      birthYear: 1962,
    },
    signer,
  );
  const largestQr = QRCode.create(largest.text, { errorCorrectionLevel: 'M' });
  figures.push({
    section: SECTION,
    name: 'Largest token the issuer produces (16-char iss, red, status end, 16-byte masked name, birth year, largest window index and epoch)',
    value: `${largest.bytes.length} B, ${largest.text.length} QR chars, version ${largestQr.version}-M`,
    target: '≤ V9-M',
    met: largestQr.version <= 9,
    raw: { bytes: largest.bytes.length, chars: largest.text.length, version: largestQr.version },
  });
  return figures;
}
