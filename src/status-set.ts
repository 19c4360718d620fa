// The revoked window indices of one (window, epoch), Golomb-Rice coded (docs/feed-privacy.md).
// A sorted set of k indices out of a domain of N costs at least log2 C(N, k) bits; coding the
// gaps between them with a Rice code (Golomb, "Run-length encodings", 1966, with a power-of-two
// parameter, as FLAC codes its residuals, RFC 9639) comes within a few percent of that when the
// indices are spread uniformly, which the keyed permutation sees to. A one-bit-per-token list
// compressed with DEFLATE (draft-ietf-oauth-status-list §4) cannot beat that bound on average
// for such sets either.
//
// The encoder appends sorted runs, so the issuer can build a piece page by page from several
// shards without holding the rows twice; the decoder is strict and bounded for hostile bytes.

import { MAX_DOMAIN, MAX_REVOCATION_EPOCH } from './window-pseudonym.ts';

/** More than 70 M holders at a 5 % downgrade rate; a cap the decoder checks before allocating. */
export const MAX_PIECE_ENTRIES = 4_000_000;
export const MAX_RICE_BITS = 31;

export interface StatusPiece {
  window: number;
  epoch: number;
  /** Window indices lie in [0, domain). */
  domain: number;
  /** Strictly increasing. */
  indices: Uint32Array;
}

/** A piece as it travels: the Rice parameter and the coded gaps, bit-packed MSB first. */
export interface CodedStatusPiece {
  window: number;
  epoch: number;
  domain: number;
  count: number;
  riceBits: number;
  bits: Uint8Array;
}

/**
 * The Rice parameter with the fewest expected bits when `count` of `domain` indices are spread
 * uniformly: gaps are then about geometric with p = count / domain, and a gap g costs
 * r + 1 + floor(g / 2^r) bits, whose mean is r + 1 + q^(2^r) / (1 − q^(2^r)) with q = 1 − p.
 */
export function riceParameterFor(count: number, domain: number): number {
  if (count <= 0 || domain <= count) return 0;
  const q = 1 - count / domain;
  let best = 0;
  let bestCost = Infinity;
  for (let r = 0; r <= MAX_RICE_BITS; r++) {
    const tail = q ** (2 ** r);
    const cost = r + 1 + tail / (1 - tail);
    if (cost < bestCost) [best, bestCost] = [r, cost];
  }
  return best;
}

/** Appends sorted indices of one piece; `finish` returns the coded piece. */
export class StatusPieceEncoder {
  readonly window: number;
  readonly epoch: number;
  readonly domain: number;
  readonly riceBits: number;
  #buffer = new Uint8Array(1024);
  #bitLength = 0;
  #count = 0;
  #previous = -1;

  /** `expectedCount` only picks the Rice parameter: any estimate decodes correctly. */
  constructor(window: number, epoch: number, domain: number, expectedCount: number) {
    if (!Number.isSafeInteger(window) || window < 0 || window >= 2 ** 32) throw new RangeError('window out of range');
    if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > MAX_REVOCATION_EPOCH) throw new RangeError('epoch out of range');
    if (!Number.isSafeInteger(domain) || domain < 1 || domain > MAX_DOMAIN) throw new RangeError('domain out of range');
    this.window = window;
    this.epoch = epoch;
    this.domain = domain;
    this.riceBits = riceParameterFor(expectedCount, domain);
  }

  append(sortedIndices: ArrayLike<number>): void {
    for (let i = 0; i < sortedIndices.length; i++) {
      const index = sortedIndices[i]!;
      if (!Number.isSafeInteger(index) || index <= this.#previous || index >= this.domain)
        throw new RangeError('indices must be strictly increasing and inside the domain');
      if (++this.#count > MAX_PIECE_ENTRIES) throw new RangeError('too many indices in one piece');
      const gap = index - this.#previous - 1;
      this.#previous = index;
      const unit = 2 ** this.riceBits;
      const quotient = Math.floor(gap / unit);
      this.#reserve(quotient + 1 + this.riceBits);
      // Unary quotient: `quotient` one bits, then a zero (the buffer starts zeroed).
      for (let q = 0; q < quotient; q++) this.#setBit(this.#bitLength++);
      this.#bitLength++;
      const remainder = gap % unit;
      for (let b = this.riceBits - 1; b >= 0; b--) {
        if (Math.floor(remainder / 2 ** b) % 2 === 1) this.#setBit(this.#bitLength);
        this.#bitLength++;
      }
    }
  }

  finish(): CodedStatusPiece {
    const { window, epoch, domain } = this;
    // An empty piece has one encoding: parameter 0, no bits.
    const riceBits = this.#count === 0 ? 0 : this.riceBits;
    return { window, epoch, domain, count: this.#count, riceBits, bits: this.#buffer.slice(0, Math.ceil(this.#bitLength / 8)) };
  }

  #setBit(position: number): void {
    this.#buffer[position >> 3]! |= 0x80 >> (position & 7);
  }

  #reserve(moreBits: number): void {
    const needed = Math.ceil((this.#bitLength + moreBits) / 8);
    if (needed <= this.#buffer.length) return;
    const next = new Uint8Array(Math.max(needed, this.#buffer.length * 2));
    next.set(this.#buffer);
    this.#buffer = next;
  }
}

/** Codes a whole piece at once, with the Rice parameter for its actual size. */
export function encodeStatusPiece(piece: StatusPiece): CodedStatusPiece {
  const encoder = new StatusPieceEncoder(piece.window, piece.epoch, piece.domain, piece.indices.length);
  encoder.append(piece.indices);
  return encoder.finish();
}

export type PieceDecodeResult = { ok: true; piece: StatusPiece } | { ok: false; reason: 'bad_status_set'; detail: string };

/**
 * Decodes a coded piece. Hostile input yields `bad_status_set`: every loop is bounded by the
 * bits present, every index must stay inside the domain and increase, and the padding after the
 * last index must be fewer than 8 zero bits, so each set has exactly one encoding.
 */
export function decodeStatusPiece(coded: CodedStatusPiece): PieceDecodeResult {
  const bad = (detail: string) => ({ ok: false as const, reason: 'bad_status_set' as const, detail });
  const { window, epoch, domain, count, riceBits, bits } = coded;
  if (!isUintBelow(window, 2 ** 32)) return bad('window must be an integer below 2^32');
  if (!isUintBelow(epoch, MAX_REVOCATION_EPOCH + 1)) return bad(`epoch must be at most ${MAX_REVOCATION_EPOCH}`);
  if (!isUintBelow(domain, MAX_DOMAIN + 1) || domain < 1) return bad('domain must be between 1 and 2^32');
  if (!isUintBelow(count, Math.min(domain, MAX_PIECE_ENTRIES) + 1)) return bad('count must fit the domain and the piece cap');
  if (!isUintBelow(riceBits, MAX_RICE_BITS + 1)) return bad(`Rice parameter must be at most ${MAX_RICE_BITS}`);
  if (count === 0 && riceBits !== 0) return bad('an empty piece has Rice parameter 0');
  // Each index takes at least riceBits + 1 bits: reject impossible counts before allocating.
  const totalBits = bits.length * 8;
  if (count * (riceBits + 1) > totalBits) return bad('fewer bits than the count needs');
  const indices = new Uint32Array(count);
  const unit = 2 ** riceBits;
  let position = 0;
  let previous = -1;
  const bit = (p: number) => (bits[p >> 3]! >> (7 - (p & 7))) & 1;
  for (let i = 0; i < count; i++) {
    // The quotient can never exceed what the rest of the domain allows; stop reading there.
    const maxQuotient = Math.floor((domain - previous - 2) / unit);
    let quotient = 0;
    while (true) {
      if (position >= totalBits) return bad('bits end inside an index');
      if (bit(position++) === 0) break;
      if (++quotient > maxQuotient) return bad('index beyond the domain');
    }
    if (position + riceBits > totalBits) return bad('bits end inside an index');
    let remainder = 0;
    for (let b = 0; b < riceBits; b++) remainder = remainder * 2 + bit(position++);
    const index = previous + 1 + quotient * unit + remainder;
    if (index >= domain) return bad('index beyond the domain');
    indices[i] = index;
    previous = index;
  }
  if (totalBits - position >= 8) return bad('trailing bytes after the last index');
  for (let p = position; p < totalBits; p++) if (bit(p) !== 0) return bad('padding bits must be zero');
  return { ok: true, piece: { window, epoch, domain, indices } };
}

function isUintBelow(value: unknown, limit: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < limit;
}
