// Secrets for the Worker tests, generated in Node when vitest loads its config and handed to
// Miniflare as bindings. The TEST_* bindings give tests the clear values they need (the root seed
// to sign trust lists, the operator tokens); the Worker itself only ever sees what production
// would: the root public key, the signing seeds, the HMAC key and operator token hashes.
import { createSigner, generateSeed, toBase64Url, toHex } from '../../src/index.ts';

async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

function randomToken(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function workerTestSecrets(): Promise<Record<string, string>> {
  const rootSeed = generateSeed();
  const signingSeed = generateSeed();
  const root = await createSigner(rootSeed);
  const signing = await createSigner(signingSeed);
  const operatorToken = randomToken();
  const auditorToken = randomToken();
  return {
    TRUST_ROOT_PUBLIC_KEY: toBase64Url(root.publicKey),
    SIGNING_KEYS: JSON.stringify({ [toHex(signing.kid)]: toBase64Url(signingSeed) }),
    ID_HMAC_KEY: toBase64Url(crypto.getRandomValues(new Uint8Array(32))),
    FEED_KEY: toBase64Url(crypto.getRandomValues(new Uint8Array(32))),
    OPERATOR_TOKENS: JSON.stringify([
      { name: 'test-operator', role: 'operator', sha256: await sha256Hex(operatorToken) },
      { name: 'test-auditor', role: 'auditor', sha256: await sha256Hex(auditorToken) },
    ]),
    TEST_ROOT_SEED: toBase64Url(rootSeed),
    TEST_SIGNING_SEED: toBase64Url(signingSeed),
    TEST_OPERATOR_TOKEN: operatorToken,
    TEST_AUDITOR_TOKEN: auditorToken,
  };
}
