// The holder pseudonym (CWT sub): 40 random bits written as 8 RFC 4648 base32 characters.
// Random, so it says nothing about the person; fixed-width, so the revocation feed can carry it
// as 5 raw bytes (docs/revocation-feed.md).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const SUB_LENGTH = 8;
export const SUB_BYTES = 5;
const SUB_PATTERN = /^[A-Z2-7]{8}$/;

export function isSubId(value: string): boolean {
  return SUB_PATTERN.test(value);
}

export function subFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== SUB_BYTES) throw new TypeError(`sub id needs ${SUB_BYTES} bytes`);
  // 40 bits fit a double exactly.
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  let out = '';
  for (let i = SUB_LENGTH - 1; i >= 0; i--) {
    out = ALPHABET[n % 32]! + out;
    n = Math.floor(n / 32);
  }
  return out;
}

export function subToBytes(sub: string): Uint8Array {
  if (!isSubId(sub)) throw new TypeError('sub id must be 8 base32 characters');
  let n = 0;
  for (const ch of sub) n = n * 32 + ALPHABET.indexOf(ch);
  const out = new Uint8Array(SUB_BYTES);
  for (let i = SUB_BYTES - 1; i >= 0; i--) {
    out[i] = n % 256;
    n = Math.floor(n / 256);
  }
  return out;
}

export function generateSubId(): string {
  return subFromBytes(crypto.getRandomValues(new Uint8Array(SUB_BYTES)));
}
