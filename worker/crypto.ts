// Hashing and randomness for the Worker: holder secrets and operator tokens are stored only as
// SHA-256; ID numbers only as HMAC-SHA-256 under ID_HMAC_KEY (they are guessable, so an unkeyed
// hash would be reversible by enumeration).

import { constantTimeEqual, fromBase64Url, toBase64Url, toHex } from '../src/index.ts';

const encoder = new TextEncoder();

export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  return toHex(await sha256(data));
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

export async function hmacSha256Hex(key: Uint8Array, message: string): Promise<string> {
  return toHex(await hmacSha256(key, encoder.encode(message)));
}

const SECRET_RANDOM_BYTES = 24;
const SECRET_TAG_BYTES = 8;
/** Domain separation: the tag key is ID_HMAC_KEY, which also hashes ID numbers. */
const SECRET_TAG_CONTEXT = encoder.encode('tricolor holder secret v1\0');

/**
 * A holder's bearer secret: 24 random bytes and an 8-byte tag, HMAC-SHA-256 under ID_HMAC_KEY,
 * base64url (43 characters, 32 bytes). The tag lets the Worker refuse a made-up secret without
 * reading D1 (docs/identity.md "Holder secrets"); the 192 random bits are what keep it secret.
 */
export async function newHolderSecret(key: Uint8Array): Promise<string> {
  const random = crypto.getRandomValues(new Uint8Array(SECRET_RANDOM_BYTES));
  const out = new Uint8Array(SECRET_RANDOM_BYTES + SECRET_TAG_BYTES);
  out.set(random);
  out.set(await secretTag(key, random), SECRET_RANDOM_BYTES);
  return toBase64Url(out);
}

/** True for a secret this issuer minted (well-formed, tag matches); says nothing of whether it is current. */
export async function isMintedHolderSecret(key: Uint8Array, secret: string): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(secret);
  } catch {
    return false;
  }
  if (bytes.length !== SECRET_RANDOM_BYTES + SECRET_TAG_BYTES) return false;
  const tag = await secretTag(key, bytes.subarray(0, SECRET_RANDOM_BYTES));
  return constantTimeEqual(tag, bytes.subarray(SECRET_RANDOM_BYTES));
}

async function secretTag(key: Uint8Array, random: Uint8Array): Promise<Uint8Array> {
  const message = new Uint8Array(SECRET_TAG_CONTEXT.length + random.length);
  message.set(SECRET_TAG_CONTEXT);
  message.set(random, SECRET_TAG_CONTEXT.length);
  return (await hmacSha256(key, message)).subarray(0, SECRET_TAG_BYTES);
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A public holder id: 16 base32 characters (80 random bits). */
export function newHolderId(): string {
  let out = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(16))) out += BASE32[byte & 31];
  return out;
}
