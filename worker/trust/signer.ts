// Choosing the key the Worker signs with: the one `active` key of the current trust list, whose
// window contains `now`, with its seed from SIGNING_KEYS. Anything else (no list, no active key,
// a window that has closed, a missing seed, a seed that is not that key's) is 503
// signing_unavailable, before anything is written.

import { bytesEqual, createSigner, keyWindowContains, type Signer, type TrustedKey, toHex } from '../../src/index.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { DomainError } from '../domain-errors.ts';
import type { TrustListCache } from './trust-list.ts';

export interface ActiveSigner {
  signer: Signer;
  key: TrustedKey;
}

const signers = new WeakMap<Uint8Array, Promise<Signer>>();

/** The signer for a seed, derived once per seed (so per isolate). */
function signerFor(seed: Uint8Array): Promise<Signer> {
  let signer = signers.get(seed);
  if (!signer) {
    signer = createSigner(seed);
    signers.set(seed, signer);
  }
  return signer;
}

export async function activeSigner(db: () => Db, config: Config, trust: TrustListCache, now: number): Promise<ActiveSigner> {
  const current = await trust.current(db, config.rootPublicKey, now);
  if (!current) throw unavailable('no trust list signed by the pinned root is installed');
  const key = current.list.keys.find((k) => k.state === 'active');
  if (!key) throw unavailable('the trust list names no active signing key');
  if (!keyWindowContains(key, now)) throw unavailable('the active key’s signing window does not include now');
  const kid = toHex(key.kid);
  const seed = config.signingSeeds.get(kid);
  if (!seed) throw unavailable(`the seed of active key ${kid} is not in SIGNING_KEYS`);
  const signer = await signerFor(seed);
  if (!bytesEqual(signer.publicKey, key.publicKey)) throw unavailable(`the SIGNING_KEYS seed for ${kid} is not that key's`);
  return { signer, key };
}

/** Whether SIGNING_KEYS holds the seed of this key (checked when a trust list is installed). */
export async function hasSeedFor(config: Config, key: TrustedKey): Promise<boolean> {
  const seed = config.signingSeeds.get(toHex(key.kid));
  return seed !== undefined && bytesEqual((await signerFor(seed)).publicKey, key.publicKey);
}

function unavailable(why: string): DomainError {
  console.warn(`signing unavailable: ${why}`);
  return new DomainError('signing_unavailable', 'The issuer cannot sign right now; try again later.', 60);
}
