// Revocation feed sizes with the real encoder and a real signature (docs/revocation-feed.md,
// version 2): bytes per downgraded holder in a snapshot at 10 k and 100 k downgrades of a
// 10 M-holder domain (each listed in five live windows), and the size of a 100-downgrade delta.
// The indices are drawn uniformly: the keyed permutation makes them so (docs/feed-privacy.md).

import { indicesFrom } from '../scripts/lib/feed-vectors.ts';
import {
  createSigner,
  generateSeed,
  type StatusPiece,
  signRevocationFeed,
  verifyRevocationFeed,
  WINDOW_SECONDS,
  windowOf,
} from '../src/index.ts';
import type { Figure } from './report.ts';

const SECTION = 'Revocation feed (encoder)';
const DOMAIN = 10_000_000;
const LIVE_WINDOWS = 5;

export async function benchFeed(): Promise<Figure[]> {
  const signer = await createSigner(generateSeed());
  const now = Math.floor(Date.now() / 1000);
  const last = windowOf(now);
  const keys = [{ kid: signer.kid, publicKey: signer.publicKey, state: 'active' as const, validFrom: now - WINDOW_SECONDS }];
  const pieces = (downgrades: number, seed: number): StatusPiece[] =>
    Array.from({ length: LIVE_WINDOWS }, (_, i) => ({
      window: last - LIVE_WINDOWS + 1 + i,
      epoch: 0,
      domain: DOMAIN,
      indices: Uint32Array.from(indicesFrom(seed + i, downgrades, DOMAIN)),
    }));
  const figures: Figure[] = [];
  for (const n of [10_000, 100_000]) {
    const bytes = await signRevocationFeed(
      { issuer: 'ZJ', kind: 'snapshot', fromSeq: 0, toSeq: n, issuedAt: now, maxTokenLifetime: 86400, pieces: pieces(n, n) },
      signer,
    );
    const t = performance.now();
    const verified = await verifyRevocationFeed(bytes, { keys, now });
    const ms = performance.now() - t;
    if (!verified.ok || verified.feed.pieces.reduce((k, p) => k + p.indices.length, 0) !== n * LIVE_WINDOWS)
      throw new Error('feed did not verify back');
    figures.push({
      section: SECTION,
      name: `Snapshot of ${n.toLocaleString('en')} downgrades (${(n * LIVE_WINDOWS).toLocaleString('en')} window indices, 10 M domain)`,
      value: `${bytes.length.toLocaleString('en')} B = ${(bytes.length / n).toFixed(2)} B/downgraded holder; verify+decode ${ms.toFixed(0)} ms`,
      target: '< 10 B/downgraded holder',
      met: bytes.length / n < 10,
      raw: { bytes: bytes.length, downgrades: n, indices: n * LIVE_WINDOWS, verifyMs: ms },
    });
  }
  const delta = await signRevocationFeed(
    { issuer: 'ZJ', kind: 'delta', fromSeq: 1000, toSeq: 1100, issuedAt: now, maxTokenLifetime: 86400, pieces: pieces(100, 7) },
    signer,
  );
  figures.push({
    section: SECTION,
    name: 'Delta of 100 downgrades (500 window indices)',
    value: `${delta.length} B`,
    target: '< 2 KB',
    met: delta.length < 2048,
    raw: { bytes: delta.length },
  });
  return figures;
}
