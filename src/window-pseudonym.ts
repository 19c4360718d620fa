// Window pseudonyms (docs/feed-privacy.md): a token's status index is a keyed permutation of the
// holder's dense slot, fresh for every issuance window and revocation epoch. Deriving it needs
// the feed key and two small numbers the holder row already has, so issuing a token writes
// nothing; without the key, indices of one holder in different windows look independent.
//
// The permutation is the construction of NIST SP 800-38G Rev. 1 FF1 (10 Feistel rounds over two
// halves of mixed radix, modular addition, halves alternating) on Z_left × Z_right with
// left · right just above the domain, cycle-walked onto [0, domain). The round function is
// HMAC-SHA-256 (RFC 2104) instead of AES-CBC-MAC, because @noble/hashes is what the core has.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** Issuance windows are a quarter of the 24 h token lifetime, so about 4.5 windows are live. */
export const WINDOW_SECONDS = 6 * 3600;
export const FEISTEL_ROUNDS = 10;
/** SP 800-38G Rev. 1 requires FF1 domains of at least a million points; smaller ones are for tests only. */
export const MIN_SECURE_DOMAIN = 1_000_000;
export const MAX_DOMAIN = 2 ** 32;
/** Downgrades of one holder within one window beyond this share the last epoch (docs/feed-privacy.md). */
export const MAX_REVOCATION_EPOCH = 15;
const KEY_LABEL = new TextEncoder().encode('tricolor/window-index/v1');

/** The issuance window of a NumericDate. */
export function windowOf(time: number, windowSeconds = WINDOW_SECONDS): number {
  return Math.floor(time / windowSeconds);
}

/**
 * A holder's slot: its dense enrolment number within its bucket, interleaved across buckets so
 * that the slots of all holders stay dense when each bucket counts on its own.
 */
export function holderSlot(denseNumber: number, bucket: number, buckets: number): number {
  if (!Number.isSafeInteger(buckets) || buckets < 1) throw new RangeError('buckets must be a positive integer');
  if (!Number.isSafeInteger(bucket) || bucket < 0 || bucket >= buckets) throw new RangeError('bucket out of range');
  if (!Number.isSafeInteger(denseNumber) || denseNumber < 0) throw new RangeError('dense number must be a non-negative integer');
  const slot = denseNumber * buckets + bucket;
  if (slot >= MAX_DOMAIN) throw new RangeError('slot beyond 2^32');
  return slot;
}

export interface WindowPermutation {
  readonly window: number;
  readonly epoch: number;
  readonly domain: number;
  /** Sizes of the left (A) and right (B) Feistel halves: right = ⌈√domain⌉, left · right ≥ domain. */
  readonly left: number;
  readonly right: number;
  /** HMAC keyed with the derived round key, its pads already hashed; cloned for each round. */
  readonly mac: ReturnType<typeof hmac.create>;
}

function u32(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value >>> 0, false);
}

/** The permutation of one (window, epoch) over [0, domain), keyed by HMAC(feedKey, label ‖ w ‖ e ‖ domain). */
export function windowPermutation(feedKey: Uint8Array, window: number, epoch: number, domain: number): WindowPermutation {
  if (feedKey.length < 32) throw new RangeError('feed key must be at least 32 bytes');
  if (!Number.isSafeInteger(window) || window < 0 || window >= 2 ** 32) throw new RangeError('window out of range');
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > MAX_REVOCATION_EPOCH) throw new RangeError('epoch out of range');
  if (!Number.isSafeInteger(domain) || domain < 1 || domain > MAX_DOMAIN) throw new RangeError('domain out of range');
  const info = new Uint8Array(KEY_LABEL.length + 13);
  info.set(KEY_LABEL);
  const view = new DataView(info.buffer);
  u32(view, KEY_LABEL.length, window);
  info[KEY_LABEL.length + 4] = epoch;
  // The domain as 8 bytes: different domains must give unrelated permutations.
  u32(view, KEY_LABEL.length + 5, Math.floor(domain / 2 ** 32));
  u32(view, KEY_LABEL.length + 9, domain % 2 ** 32);
  // left · right < domain + right, so cycle walking almost never takes a second step.
  const right = Math.ceil(Math.sqrt(domain));
  const left = Math.ceil(domain / right);
  const mac = hmac.create(sha256, hmac(sha256, feedKey, info));
  return { window, epoch, domain, left, right, mac };
}

const roundMessage = new Uint8Array(5);
const roundMessageView = new DataView(roundMessage.buffer);
const roundDigest = new Uint8Array(32);

/**
 * Round i's value for half `half`, reduced mod `size`: the first 4 bytes of
 * HMAC(roundKey, i ‖ half) as a big-endian integer. Sizes are at most 2^16, so the bias of the
 * reduction is below 2^-15 per value (FF1 takes more bytes for larger radices).
 */
function round(perm: WindowPermutation, i: number, half: number, size: number): number {
  roundMessage[0] = i;
  roundMessageView.setUint32(1, half, false);
  // Cloning the keyed state saves the two pad compressions of every HMAC call.
  perm.mac.clone().update(roundMessage).digestInto(roundDigest);
  const word = ((roundDigest[0]! << 24) | (roundDigest[1]! << 16) | (roundDigest[2]! << 8) | roundDigest[3]!) >>> 0;
  return word % size;
}

/** The size of half A in round i: `left` in even rounds, `right` in odd ones (as FF1.Encrypt alternates them, SP 800-38G). */
function sizeOfA(perm: WindowPermutation, i: number): number {
  return i % 2 === 0 ? perm.left : perm.right;
}

function encryptOnce(perm: WindowPermutation, x: number): number {
  let a = Math.floor(x / perm.right);
  let b = x % perm.right;
  for (let i = 0; i < FEISTEL_ROUNDS; i++) {
    const size = sizeOfA(perm, i);
    const c = (a + round(perm, i, b, size)) % size;
    a = b;
    b = c;
  }
  return a * perm.right + b;
}

function decryptOnce(perm: WindowPermutation, y: number): number {
  let a = Math.floor(y / perm.right);
  let b = y % perm.right;
  for (let i = FEISTEL_ROUNDS - 1; i >= 0; i--) {
    const size = sizeOfA(perm, i);
    const previousA = (b - round(perm, i, a, size) + size) % size;
    b = a;
    a = previousA;
  }
  return a * perm.right + b;
}

function checkPoint(perm: WindowPermutation, value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0 || value >= perm.domain) throw new RangeError(`${what} outside the domain`);
}

/**
 * The index of `slot` in this window and epoch. Cycle walking (Black and Rogaway, "Ciphers with
 * Arbitrary Finite Domains", 2002) keeps the result in [0, domain); the Feistel domain exceeds it
 * by less than √domain points, so a second step is rare.
 */
export function windowIndex(perm: WindowPermutation, slot: number): number {
  checkPoint(perm, slot, 'slot');
  let y = encryptOnce(perm, slot);
  while (y >= perm.domain) y = encryptOnce(perm, y);
  return y;
}

/** The slot whose index this is: the issuer's way back from a window index to a holder. */
export function slotOfWindowIndex(perm: WindowPermutation, index: number): number {
  checkPoint(perm, index, 'index');
  let x = decryptOnce(perm, index);
  while (x >= perm.domain) x = decryptOnce(perm, x);
  return x;
}
