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
import { measureRatio } from './measure.ts';
import type { Figure } from './report.ts';

const SECTION = 'Core token';

export async function benchCore(quick: boolean): Promise<Figure[]> {
  const figures: Figure[] = [];
  const signer = await createSigner(generateSeed());
  const now = Math.floor(Date.now() / 1000);
  const { text, bytes } = await signToken({ iss: 'ZJ', sub: 'K7Q2M4XD', iat: now, exp: now + 86400, color: 'green' }, signer);
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
    name: 'Typical green token (iss ZJ, 8-char sub)',
    value: `${bytes.length} B, ${text.length} QR chars, version ${qr.version}-M (${mode})`,
    target: '≤ 220 chars / V8-M; goal ≤ 178 / V7-M',
    met: text.length <= 220 && qr.version <= 8,
    note:
      qr.version <= 7
        ? 'goal met'
        : `goal V7-M missed by ${text.length - 178} characters: the fixed header, five required claims and a 64-byte signature need 116 bytes or fewer for V7 (docs/token-format.md "Size")`,
    raw: { bytes: bytes.length, chars: text.length, version: qr.version },
  });
  const named = await signToken(
    { iss: 'ZJ', sub: 'K7Q2M4XD', iat: now, exp: now + 86400, color: 'yellow', statusEnds: now + 7 * 86400, maskedName: '张*' },
    signer,
  );
  const namedQr = QRCode.create(named.text, { errorCorrectionLevel: 'M' });
  figures.push({
    section: SECTION,
    name: 'Yellow token with status end and masked name',
    value: `${named.bytes.length} B, ${named.text.length} QR chars, version ${namedQr.version}-M`,
    raw: { bytes: named.bytes.length, chars: named.text.length, version: namedQr.version },
  });
  return figures;
}
