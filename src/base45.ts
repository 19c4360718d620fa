// Base45 (RFC 9285): the QR-alphanumeric-safe text encoding of the token bytes.

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export class Base45Error extends Error {
  override name = 'Base45Error';
}

/** RFC 9285 §4: each 2 bytes become 3 characters (c + d*45 + e*45²), a trailing byte becomes 2. */
export function encodeBase45(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    let n = (bytes[i]! << 8) | bytes[i + 1]!;
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += ALPHABET[c]! + ALPHABET[d]! + ALPHABET[e]!;
  }
  if (i < bytes.length) {
    const n = bytes[i]!;
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

/**
 * Strict decoder. RFC 9285 §4.2: a length of 1 mod 3, a character outside the alphabet, or a
 * triplet above 65535 (or pair above 255) is not valid base45 and must be rejected.
 */
export function decodeBase45(text: string): Uint8Array {
  const rest = text.length % 3;
  if (rest === 1) throw new Base45Error('length is 1 modulo 3');
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (rest === 2 ? 1 : 0));
  let o = 0;
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const n = digit(text, i) + digit(text, i + 1) * 45 + digit(text, i + 2) * 2025;
    if (n > 0xffff) throw new Base45Error(`triplet at ${i} exceeds 65535`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (rest === 2) {
    const n = digit(text, i) + digit(text, i + 1) * 45;
    if (n > 0xff) throw new Base45Error(`pair at ${i} exceeds 255`);
    out[o] = n;
  }
  return out;
}

function digit(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const value = code < 128 ? DECODE[code]! : -1;
  if (value < 0) throw new Base45Error(`character at ${index} is not in the base45 alphabet`);
  return value;
}
