// Encryption at rest for the keystore: scrypt (RFC 7914) turns the passphrase into a master key,
// HKDF-SHA-256 (RFC 5869) splits it into an AES-256-GCM key for seeds and an HMAC key for the
// public state file. Each sealed box binds its purpose and kid as AAD, so a root seed file cannot
// be swapped in for a signing key (or the other way round) without failing authentication.

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../../src/index.ts';
import { KeysError } from '../errors.ts';

export interface KdfParams {
  name: 'scrypt';
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
  /** 16 random bytes, base64url. */
  salt: string;
}

/** 2^17 × r 8 = 128 MiB and about half a second here: OWASP's scrypt floor is 2^17. */
export const DEFAULT_KDF_COST = { N: 2 ** 17, r: 8, p: 1 } as const;
/** The lowest cost a keystore may declare; anything lower is refused as tampering. */
export const MIN_KDF_N = 2 ** 14;

export interface KeystoreKeys {
  readonly encryption: Buffer;
  readonly mac: Buffer;
}

export interface SealedBox {
  alg: 'A256GCM';
  iv: string;
  ciphertext: string;
  tag: string;
}

export function newKdfParams(cost: { N: number; r: number; p: number } = DEFAULT_KDF_COST): KdfParams {
  return { name: 'scrypt', ...cost, salt: toBase64Url(randomBytes(16)) };
}

export async function deriveKeystoreKeys(passphrase: string, params: KdfParams): Promise<KeystoreKeys> {
  assertKdfParams(params);
  const master = await new Promise<Buffer>((resolve, reject) => {
    // scrypt needs 128 × N × r bytes; Node's default maxmem (32 MiB) is below the default cost.
    const maxmem = 256 * params.N * params.r;
    scrypt(passphrase.normalize('NFC'), fromBase64Url(params.salt), 32, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
  const split = (info: string) => Buffer.from(hkdfSync('sha256', master, new Uint8Array(0), info, 32));
  const keys = { encryption: split('tricolor keystore v1 seal'), mac: split('tricolor keystore v1 state mac') };
  master.fill(0);
  return keys;
}

function assertKdfParams(params: KdfParams): void {
  const powerOfTwo = Number.isSafeInteger(params.N) && params.N > 1 && (params.N & (params.N - 1)) === 0;
  if (params.name !== 'scrypt' || !powerOfTwo || params.N < MIN_KDF_N || params.N > 2 ** 22) {
    throw new KeysError('bad_keystore', `keystore KDF parameters are invalid or weaker than scrypt N=${MIN_KDF_N}`);
  }
  if (
    !Number.isSafeInteger(params.r) ||
    params.r < 8 ||
    params.r > 32 ||
    !Number.isSafeInteger(params.p) ||
    params.p < 1 ||
    params.p > 16
  ) {
    throw new KeysError('bad_keystore', 'keystore KDF parameters r/p are out of range');
  }
  if (typeof params.salt !== 'string' || fromBase64Url(params.salt).length < 16)
    throw new KeysError('bad_keystore', 'keystore salt is missing');
}

export function seal(keys: KeystoreKeys, plaintext: Uint8Array, aad: string): SealedBox {
  const iv = randomBytes(12); // NIST SP 800-38D: 96-bit random IVs, far below 2^32 messages per key
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { alg: 'A256GCM', iv: toBase64Url(iv), ciphertext: toBase64Url(ciphertext), tag: toBase64Url(cipher.getAuthTag()) };
}

/** Opens a sealed box; a wrong passphrase and a tampered box both fail GCM authentication. */
export function open(keys: KeystoreKeys, box: SealedBox, aad: string): Uint8Array {
  try {
    if (box.alg !== 'A256GCM') throw new Error('alg');
    const decipher = createDecipheriv('aes-256-gcm', keys.encryption, fromBase64Url(box.iv));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(fromBase64Url(box.tag));
    return new Uint8Array(Buffer.concat([decipher.update(fromBase64Url(box.ciphertext)), decipher.final()]));
  } catch {
    throw new KeysError('unseal_failed', 'cannot decrypt keystore entry: wrong passphrase or a damaged file');
  }
}

export function macText(keys: KeystoreKeys, text: string): string {
  return createHmac('sha256', keys.mac).update(text, 'utf8').digest('hex');
}

export function macMatches(keys: KeystoreKeys, text: string, mac: string): boolean {
  const expected = Buffer.from(macText(keys, text), 'hex');
  const given = Buffer.from(typeof mac === 'string' && /^[0-9a-f]{64}$/.test(mac) ? mac : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
