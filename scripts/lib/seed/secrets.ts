// Throwaway secrets for a bench or fault-test Worker: a root and a signing key, the ID HMAC key, the feed key,
// an operator token, and a key from which every seeded holder's bearer secret is derived (so the
// load generator can present real secrets without storing 100 000 of them). Kept next to the
// seeded D1 they belong to, in a git-ignored cache, mode 0600; never used outside local runs.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createSigner, fromBase64Url, generateSeed, type Signer, toBase64Url, toHex } from '../../../src/index.ts';

export interface BenchSecrets {
  rootSeed: string;
  signingSeed: string;
  idHmacKey: string;
  /** FEED_KEY: keys the tokens' window indices. Absent in caches written before it existed. */
  feedKey?: string;
  operatorToken: string;
  holderSecretKey: string;
}

export function newBenchSecrets(): BenchSecrets {
  const random = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  return {
    rootSeed: toBase64Url(generateSeed()),
    signingSeed: toBase64Url(generateSeed()),
    idHmacKey: random(),
    feedKey: random(),
    operatorToken: random(),
    holderSecretKey: random(),
  };
}

export function saveBenchSecrets(file: string, s: BenchSecrets): void {
  writeFileSync(file, JSON.stringify(s), { mode: 0o600 });
}

export function loadBenchSecrets(file: string): BenchSecrets {
  const s = JSON.parse(readFileSync(file, 'utf8')) as BenchSecrets;
  // A cache from before FEED_KEY: any fixed key works for a throwaway Worker, derived so it is stable.
  s.feedKey ??= toBase64Url(
    createHmac('sha256', Buffer.from(fromBase64Url(s.idHmacKey)))
      .update('feed-key')
      .digest(),
  );
  return s;
}

export interface BenchKeys {
  root: Signer;
  signing: Signer;
}

export async function benchKeys(s: BenchSecrets): Promise<BenchKeys> {
  return { root: await createSigner(fromBase64Url(s.rootSeed)), signing: await createSigner(fromBase64Url(s.signingSeed)) };
}

const SEEDED_ID_NUMBER_FORMAT = 'pattern:^(?:[A-Z][A-Z0-9]{0,14}X|[0-9]{17}[0-9X])$';

/** What the Worker gets in .dev.vars: the public root, the signing seed, hashes only. */
export async function workerVars(s: BenchSecrets): Promise<Record<string, string>> {
  const { root, signing } = await benchKeys(s);
  return {
    TRUST_ROOT_PUBLIC_KEY: toBase64Url(root.publicKey),
    SIGNING_KEYS: JSON.stringify({ [toHex(signing.kid)]: s.signingSeed }),
    ID_HMAC_KEY: s.idHmacKey,
    FEED_KEY: s.feedKey!,
    OPERATOR_TOKENS: JSON.stringify([{ name: 'bench-operator', role: 'operator', sha256: sha256Hex(s.operatorToken) }]),
    // Seeded ID numbers are synthetic (holders.ts idNumberOf, import-plan.ts), not GB 11643
    // numbers, and the import applies the deployment's rule. This pattern admits their shape and,
    // for the dev identities the enrolment bench signs in, 18-character resident numbers (without
    // the check digit test, which only the default rule applies).
    ID_NUMBER_FORMAT: SEEDED_ID_NUMBER_FORMAT,
  };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
