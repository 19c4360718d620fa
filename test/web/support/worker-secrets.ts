// Fresh secrets for one browser-test run: the root that signs the test trust list (and is pinned
// into the test build of the PWA), the Worker's signing seed, the HMAC key, an operator and an auditor token.
import { createSigner, generateSeed, type Signer, toBase64Url, toHex } from '../../../src/index.ts';

export interface WebTestSecrets {
  root: Signer;
  signing: Signer;
  signingSeed: Uint8Array;
  operatorToken: string;
  /** A read-only staff token (role auditor), for the console's auditor tests. */
  auditorToken: string;
  /** What the Worker gets in .dev.vars: public root, seeds and hashes only. */
  devVars: Record<string, string>;
}

async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

export async function createWebTestSecrets(): Promise<WebTestSecrets> {
  const root = await createSigner(generateSeed());
  const signingSeed = generateSeed();
  const signing = await createSigner(signingSeed);
  const operatorToken = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const auditorToken = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  return {
    root,
    signing,
    signingSeed,
    operatorToken,
    auditorToken,
    devVars: {
      TRUST_ROOT_PUBLIC_KEY: toBase64Url(root.publicKey),
      SIGNING_KEYS: JSON.stringify({ [toHex(signing.kid)]: toBase64Url(signingSeed) }),
      ID_HMAC_KEY: toBase64Url(crypto.getRandomValues(new Uint8Array(32))),
      FEED_KEY: toBase64Url(crypto.getRandomValues(new Uint8Array(32))),
      OPERATOR_TOKENS: JSON.stringify([
        { name: 'web-test-operator', role: 'operator', sha256: await sha256Hex(operatorToken) },
        { name: 'web-test-auditor', role: 'auditor', sha256: await sha256Hex(auditorToken) },
      ]),
    },
  };
}
