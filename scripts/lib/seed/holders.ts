// Seeded holder i, as the Worker would have made it: the ID number's keyed hash decides the
// bucket (worker/shards/buckets.ts), the holder id carries that bucket, and the bearer secret is
// a v2 secret naming it (worker/crypto.ts newHolderSecret), so a token fetch reaches the right
// database. Everything is derived from i and the run's secrets, so the bench and the fault tests
// can recompute any holder without storing a million of them.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../../../src/index.ts';
import { bucketOfIdHash, holderIdFor } from '../../../worker/shards/buckets.ts';
import type { BenchSecrets } from './secrets.ts';

export interface SeedHolder {
  index: number;
  idNumber: string;
  /** HMAC-SHA-256(ID_HMAC_KEY, idNumber), hex (the Worker stores these bytes, worker/holders/identity.ts). */
  idHash: string;
  bucket: number;
  /** Public holder id: the bucket's two base32 characters, then 14 spread from i. */
  id: string;
  sub: string;
}

export function idNumberOf(i: number): string {
  return `B${String(i).padStart(9, '0')}X`;
}

const BASE32_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A bijection of i onto `bits`-bit values, spread out, as 5-bit digits (unique for distinct i). */
function spread(i: number, bits: number): number[] {
  const mask = (1n << BigInt(bits)) - 1n;
  let v = (BigInt(i) * 0x9e3779b97f4a7c15n + 0x1234567n) & mask; // odd multiplier: invertible mod 2^bits
  const out: number[] = new Array(bits / 5);
  for (let k = out.length - 1; k >= 0; k--) {
    out[k] = Number(v & 31n);
    v >>= 5n;
  }
  return out;
}

export const subOf = (i: number): string =>
  spread(i, 40)
    .map((d) => BASE32_UPPER[d])
    .join('');

/**
 * The two HMAC keys as key objects, made once per secrets object: a seed derives millions of
 * values, and createHmac with raw bytes builds a key object on every call (most of the seed's time).
 */
const decodedKeys = new WeakMap<BenchSecrets, { idHmac: KeyObject; holderSecret: KeyObject }>();
function keysOf(s: BenchSecrets) {
  let keys = decodedKeys.get(s);
  if (!keys) {
    keys = { idHmac: createSecretKey(fromBase64Url(s.idHmacKey)), holderSecret: createSecretKey(fromBase64Url(s.holderSecretKey)) };
    decodedKeys.set(s, keys);
  }
  return keys;
}

export function idHashOf(s: BenchSecrets, idNumber: string): string {
  return createHmac('sha256', keysOf(s).idHmac).update(idNumber, 'utf8').digest('hex');
}

export function bucketOf(s: BenchSecrets, i: number): number {
  return bucketOfIdHash(Buffer.from(idHashOf(s, idNumberOf(i)), 'hex'));
}

export function seedHolder(s: BenchSecrets, i: number): SeedHolder {
  const idNumber = idNumberOf(i);
  const idHash = idHashOf(s, idNumber);
  const bucket = bucketOfIdHash(Buffer.from(idHash, 'hex'));
  return { index: i, idNumber, idHash, bucket, id: holderIdFor(bucket, new Uint8Array(spread(i, 70))), sub: subOf(i) };
}

export const holderIdOf = (s: BenchSecrets, i: number): string => seedHolder(s, i).id;

/**
 * Holder i's bearer secret as worker/crypto.ts newHolderSecret mints one: its bucket (2 bytes,
 * big-endian), 22 random-looking bytes (derived from i, so the bench can recompute them) and an
 * 8-byte HMAC-SHA-256 tag under ID_HMAC_KEY over the same context string, bucket and random bytes.
 */
export function holderSecret(s: BenchSecrets, i: number, bucket = bucketOf(s, i)): string {
  const body = Buffer.alloc(24);
  body.writeUInt16BE(bucket, 0);
  createHmac('sha256', keysOf(s).holderSecret).update(`holder:${i}`).digest().copy(body, 2, 0, 22);
  const tag = createHmac('sha256', keysOf(s).idHmac)
    .update(Buffer.concat([Buffer.from('tricolor holder secret v2\0'), body]))
    .digest()
    .subarray(0, 8);
  return toBase64Url(new Uint8Array(Buffer.concat([body, tag])));
}
