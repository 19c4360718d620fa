// Hashing and randomness for the Worker: holder secrets and operator tokens are stored only as
// SHA-256; ID and phone numbers only as HMAC-SHA-256 under ID_HMAC_KEY (they are guessable, so an
// unkeyed hash would be reversible by enumeration).

import { toBase64Url, toHex } from '../src/index.ts';

const encoder = new TextEncoder();

export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  return toHex(await sha256(data));
}

const hmacKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

export async function hmacSha256Hex(key: Uint8Array, message: string): Promise<string> {
  let imported = hmacKeys.get(key);
  if (!imported) {
    imported = crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    hmacKeys.set(key, imported);
  }
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', await imported, encoder.encode(message))));
}

/** A holder's bearer secret: 32 random bytes, base64url (43 characters). */
export function newHolderSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A public holder id: 16 base32 characters (80 random bits). */
export function newHolderId(): string {
  let out = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(16))) out += BASE32[byte & 31];
  return out;
}
