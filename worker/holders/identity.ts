// What the issuer keeps of a person: a keyed hash of the verified ID number (so every sign-in
// finds the same holder), a masked display name and the birth year (docs/identity.md "What is
// kept"). Never the clear name or ID number.

import { hmacSha256Text } from '../crypto.ts';

/** Trim, upper-case, drop all whitespace: "  110101 19900307 123x " -> "11010119900307123X". */
export function normaliseIdNumber(idNumber: string): string {
  return idNumber.trim().toUpperCase().replace(/\s+/g, '');
}

/** HMAC-SHA-256 under ID_HMAC_KEY: 32 bytes, stored as a BLOB and never logged. */
export function hashIdNumber(key: Uint8Array, normalisedIdNumber: string): Promise<Uint8Array> {
  return hmacSha256Text(key, normalisedIdNumber);
}

const MAX_MASKED_WORDS = 4;
/**
 * Tighter than the format's 48 bytes (CLAIM_LIMITS.nameMaxBytes): with the longest ISSUER (16
 * bytes), a red token with status end, this name and the birth year still fits QR version 9-M
 * (docs/token-format.md "Size"; `npm run bench` measures it). "J* R* R* T*" is 11 bytes.
 */
export const MAX_MASKED_BYTES = 16;

/**
 * The display name carried in tokens: the first character of each word, each followed by one
 * "*" ("张三丰" -> "张*", "John Ronald Smith" -> "J* R* S*"). One star whatever the length, so
 * the mask does not leak how long the name is. At most four words, and never over the token's
 * 48-byte limit for the masked name.
 */
export function maskName(name: string): string {
  const words = name
    .trim()
    .split(/\s+/u)
    .filter((w) => w.length > 0)
    .slice(0, MAX_MASKED_WORDS);
  let masked = '';
  for (const word of words) {
    const next = `${masked}${masked ? ' ' : ''}${firstGrapheme(word)}*`;
    if (new TextEncoder().encode(next).length > MAX_MASKED_BYTES) break;
    masked = next;
  }
  return masked;
}

const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : undefined;

function firstGrapheme(word: string): string {
  // A grapheme, not a UTF-16 unit: "É" written as E + combining accent stays whole. Capped at 4
  // code points so one pathological cluster cannot use the whole byte budget.
  const first = segmenter ? (segmenter.segment(word)[Symbol.iterator]().next().value?.segment ?? '') : (Array.from(word)[0] ?? '');
  return Array.from(first).slice(0, 4).join('');
}
