// Hashing and randomness for the Worker: holder secrets and operator tokens are stored only as
// SHA-256; ID numbers only as HMAC-SHA-256 under ID_HMAC_KEY (they are guessable, so an unkeyed
// hash would be reversible by enumeration).

import { constantTimeEqual, fromBase64Url, toBase64Url } from '../src/index.ts';
import { bucketOfSecretPrefix, holderIdFor } from './shards/buckets.ts';

const encoder = new TextEncoder();

export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

const hmacKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

async function hmacSha256(key: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  let imported = hmacKeys.get(key);
  if (!imported) {
    imported = crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    hmacKeys.set(key, imported);
  }
  return new Uint8Array(await crypto.subtle.sign('HMAC', await imported, message as Uint8Array<ArrayBuffer>));
}

export async function hmacSha256Text(key: Uint8Array, message: string): Promise<Uint8Array> {
  return hmacSha256(key, encoder.encode(message));
}

/** The bucket (docs/scale.md "Sharding holders"), big-endian: a token fetch finds the database from it. */
const SECRET_BUCKET_BYTES = 2;
const SECRET_RANDOM_BYTES = 22;
const SECRET_TAG_BYTES = 8;
const SECRET_BYTES = SECRET_BUCKET_BYTES + SECRET_RANDOM_BYTES + SECRET_TAG_BYTES;
/** Domain separation: the tag key is ID_HMAC_KEY, which also hashes ID numbers. */
const SECRET_TAG_CONTEXT = encoder.encode('tricolor holder secret v2\0');

/**
 * A holder's bearer secret: the holder's bucket (2 bytes), 22 random bytes and an 8-byte tag,
 * HMAC-SHA-256 under ID_HMAC_KEY over bucket and random bytes, base64url (43 characters, 32 bytes).
 * The tag lets the Worker refuse a made-up secret without reading D1, and covers the bucket, so a
 * secret cannot be pointed at another database (docs/identity.md "Holder secrets"); the 176
 * random bits are what keep it secret.
 */
export async function newHolderSecret(key: Uint8Array, bucket: number): Promise<string> {
  const out = new Uint8Array(SECRET_BYTES);
  out[0] = bucket >> 8;
  out[1] = bucket & 0xff;
  out.set(crypto.getRandomValues(new Uint8Array(SECRET_RANDOM_BYTES)), SECRET_BUCKET_BYTES);
  const body = out.subarray(0, SECRET_BUCKET_BYTES + SECRET_RANDOM_BYTES);
  out.set(await secretTag(key, body), body.length);
  return toBase64Url(out);
}

/**
 * The bucket of a secret this issuer minted (well-formed, tag matches), or undefined; says nothing
 * of whether the secret is current.
 */
export async function mintedSecretBucket(key: Uint8Array, secret: string): Promise<number | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(secret);
  } catch {
    return undefined;
  }
  if (bytes.length !== SECRET_BYTES) return undefined;
  const body = bytes.subarray(0, SECRET_BUCKET_BYTES + SECRET_RANDOM_BYTES);
  const tag = await secretTag(key, body);
  if (!constantTimeEqual(tag, bytes.subarray(body.length))) return undefined;
  return bucketOfSecretPrefix(bytes);
}

async function secretTag(key: Uint8Array, body: Uint8Array): Promise<Uint8Array> {
  const message = new Uint8Array(SECRET_TAG_CONTEXT.length + body.length);
  message.set(SECRET_TAG_CONTEXT);
  message.set(body, SECRET_TAG_CONTEXT.length);
  return (await hmacSha256(key, message)).subarray(0, SECRET_TAG_BYTES);
}

/** A public holder id in `bucket` (worker/shards/buckets.ts holderIdFor). */
export function newHolderId(bucket: number): string {
  return holderIdFor(bucket, crypto.getRandomValues(new Uint8Array(14)));
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A random record id (an import run's): 16 base32 characters, 80 random bits, the holder-id alphabet. */
export function newRecordId(): string {
  let out = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(16))) out += BASE32[byte & 31];
  return out;
}
