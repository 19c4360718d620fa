// Revocation feed sizes with the real encoder and a real signature: bytes per live entry in a
// snapshot at 10 k and 100 k entries, and the size of a 100-entry delta.
import { createSigner, generateSeed, generateSubId, type RevocationEntry, signRevocationFeed, verifyRevocationFeed } from '../src/index.ts';
import type { Figure } from './report.ts';

const SECTION = 'Revocation feed (encoder)';

export async function benchFeed(): Promise<Figure[]> {
  const signer = await createSigner(generateSeed());
  const now = Math.floor(Date.now() / 1000);
  const keys = [{ kid: signer.kid, publicKey: signer.publicKey, state: 'active' as const, validFrom: now - 60 }];
  const entries = (n: number): RevocationEntry[] =>
    Array.from({ length: n }, (_, i) => ({ sub: generateSubId(), revokedBefore: now - (i % 86400) }));
  const figures: Figure[] = [];
  for (const n of [10_000, 100_000]) {
    const bytes = await signRevocationFeed(
      { issuer: 'ZJ', kind: 'snapshot', fromSeq: 0, toSeq: n, issuedAt: now, maxTokenLifetime: 86400, entries: entries(n) },
      signer,
    );
    const t = performance.now();
    const verified = await verifyRevocationFeed(bytes, { keys, now });
    const ms = performance.now() - t;
    if (!verified.ok || verified.feed.entries.length !== n) throw new Error('feed did not verify back');
    figures.push({
      section: SECTION,
      name: `Snapshot of ${n.toLocaleString('en')} entries`,
      value: `${bytes.length.toLocaleString('en')} B = ${(bytes.length / n).toFixed(2)} B/entry; verify+decode ${ms.toFixed(0)} ms`,
      target: '< 10 B/entry',
      met: bytes.length / n < 10,
      raw: { bytes: bytes.length, entries: n, verifyMs: ms },
    });
  }
  const delta = await signRevocationFeed(
    { issuer: 'ZJ', kind: 'delta', fromSeq: 1000, toSeq: 1100, issuedAt: now, maxTokenLifetime: 86400, entries: entries(100) },
    signer,
  );
  figures.push({
    section: SECTION,
    name: 'Delta of 100 entries',
    value: `${delta.length} B`,
    target: '< 2 KB',
    met: delta.length < 2048,
    raw: { bytes: delta.length },
  });
  return figures;
}
