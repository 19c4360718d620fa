// Test keys and signed objects made with the shared core (src/): a root, a signing key, a trust
// list signed by that root, tokens and revocation feeds. Used by the bench harness and the
// browser tests; nothing here is ever a production key.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSigner,
  generateSeed,
  type Signer,
  type StatusPiece,
  signRevocationFeed,
  signToken,
  signTrustList,
  type TokenClaims,
  toBase64Url,
  toHex,
} from '../../src/index.ts';

export interface TestIssuer {
  root: Signer;
  rootSeed: Uint8Array;
  signing: Signer;
  signingSeed: Uint8Array;
  issuer: string;
  /** When the signing key's window opens. */
  validFrom: number;
}

export async function createTestIssuer(now: number, issuer = 'ZJ'): Promise<TestIssuer> {
  const rootSeed = generateSeed();
  const signingSeed = generateSeed();
  return {
    root: await createSigner(rootSeed),
    rootSeed,
    signing: await createSigner(signingSeed),
    signingSeed,
    issuer,
    validFrom: now - 7 * 86400,
  };
}

/** Writes the pinned-root JSON the PWA build reads (TRICOLOR_ROOT_PUBLIC_KEY_FILE). */
export function writeRootPublicFile(dir: string, issuer: TestIssuer): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'root-public.json');
  writeFileSync(file, JSON.stringify({ publicKey: toBase64Url(issuer.root.publicKey), kid: toHex(issuer.root.kid) }));
  return file;
}

export function signTestTrustList(issuer: TestIssuer, now: number, version = 1): Promise<Uint8Array> {
  return signTrustList(
    {
      version,
      issuedAt: now,
      nextUpdate: now + 7 * 86400,
      issuer: issuer.issuer,
      keys: [{ kid: issuer.signing.kid, publicKey: issuer.signing.publicKey, state: 'active', validFrom: issuer.validFrom }],
    },
    issuer.root,
  );
}

/** A snapshot of the given pieces (sorted indices per (window, epoch), in that order). */
export function signTestFeed(issuer: TestIssuer, now: number, pieces: StatusPiece[], toSeq = pieces.length): Promise<Uint8Array> {
  return signRevocationFeed(
    { issuer: issuer.issuer, kind: 'snapshot', fromSeq: 0, toSeq, issuedAt: now, maxTokenLifetime: 86400, pieces },
    issuer.signing,
  );
}

export async function signTestToken(issuer: TestIssuer, now: number, overrides: Partial<TokenClaims> = {}): Promise<string> {
  const claims: TokenClaims = {
    iss: issuer.issuer,
    windowIndex: 4242,
    iat: now - 60,
    exp: now + 86400,
    color: 'green',
    maskedName: '张*',
    ...overrides,
  };
  return (await signToken(claims, issuer.signing)).text;
}
