// Writes test/vectors/tricolor-feed-privacy.json: window-index and Rice-coding vectors
// (docs/feed-privacy.md). Every expected value comes from the independent reference in
// test/core/feed-privacy-reference.ts (node:crypto, BigInt, bit strings) or is worked by hand
// below; nothing here imports src/, so the vectors can catch a bug in src/.
//
// Usage: node scripts/make-feed-privacy-vectors.ts
import { writeFileSync } from 'node:fs';
import { referenceIndex, referenceRice } from '../test/core/feed-privacy-reference.ts';

const feedKey = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const windowCases = [
  { label: 'tiny domain 1: the only index is 0', window: 81_000, epoch: 0, domain: 1, slot: 0 },
  { label: 'domain 2, slot 1', window: 81_000, epoch: 0, domain: 2, slot: 1 },
  { label: 'domain 1000, slot 0', window: 81_000, epoch: 0, domain: 1000, slot: 0 },
  { label: 'domain 1000, slot 999', window: 81_000, epoch: 0, domain: 1000, slot: 999 },
  { label: 'a million, slot 123456, window 81000', window: 81_000, epoch: 0, domain: 1_000_000, slot: 123_456 },
  { label: 'same slot, next window', window: 81_001, epoch: 0, domain: 1_000_000, slot: 123_456 },
  { label: 'same slot and window, epoch 1', window: 81_000, epoch: 1, domain: 1_000_000, slot: 123_456 },
  { label: 'same slot, window, epoch; domain one larger', window: 81_000, epoch: 0, domain: 1_000_001, slot: 123_456 },
  { label: '4.5 M domain (odd bit count: 23 bits)', window: 81_000, epoch: 0, domain: 4_500_000, slot: 4_499_999 },
  { label: '2^32 domain, top slot', window: 81_000, epoch: 15, domain: 2 ** 32, slot: 2 ** 32 - 1 },
].map((c) => ({ ...c, index: referenceIndex(feedKey, c.window, c.epoch, c.domain, c.slot) }));

// Worked by hand: gaps are index − previous − 1 (the first from −1); each gap is q ones, a zero,
// then the remainder in riceBits bits, MSB first; the last byte is padded with zeros.
const riceCases = [
  { label: 'empty set', indices: [], riceBits: 0, bitsHex: '' },
  // gaps 0,2,0,0,1 with r=0: 0 110 0 0 10 -> 01100010 = 0x62
  { label: 'r=0: indices 0,3,4,5,7', indices: [0, 3, 4, 5, 7], riceBits: 0, bitsHex: '62' },
  // gaps 1,2 with r=1: 0|1 then 10|0 -> 01100 + pad -> 01100000 = 0x60
  { label: 'r=1: indices 1,4', indices: [1, 4], riceBits: 1, bitsHex: '60' },
  // gap 999 with r=8: q=3 -> 1110, remainder 231 = 11100111 -> 111011100111 + pad -> ee 70
  { label: 'r=8: index 999', indices: [999], riceBits: 8, bitsHex: 'ee70' },
].map((c) => {
  const reference = referenceRice(c.indices, c.riceBits);
  if (reference !== c.bitsHex) throw new Error(`${c.label}: hand ${c.bitsHex}, reference ${reference}`);
  return c;
});
const randomRice = (() => {
  // A larger case from the reference only: 40 indices of a 100 000 domain, from xorshift32.
  const set = new Set<number>();
  let s = 12345;
  while (set.size < 40) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    set.add((s >>> 0) % 100_000);
  }
  const indices = [...set].sort((a, b) => a - b);
  return { label: 'r=11: 40 indices of 100 000 (fixed xorshift32)', indices, riceBits: 11, bitsHex: referenceRice(indices, 11) };
})();

const vectors = {
  description:
    'Tricolor window pseudonyms and revoked-index coding (docs/feed-privacy.md): the keyed Feistel permutation of a holder slot for a (window, epoch, domain), and the Rice coding of a sorted set of window indices.',
  source:
    'Computed by test/core/feed-privacy-reference.ts (an independent implementation on node:crypto HMAC-SHA-256 and BigInt) via scripts/make-feed-privacy-vectors.ts; the small Rice cases were also worked by hand (comments in that script).',
  license: 'Same as this repository',
  fields: {
    feedKeyHex: 'the 32-byte feed key, hex',
    window: 'issuance window number (floor(iat / 21600))',
    epoch: 'revocation epoch, 0..15',
    domain: 'size of the index domain',
    slot: 'the holder slot (dense number × buckets + bucket)',
    index: 'the expected window index',
    indices: 'a strictly increasing set of window indices',
    riceBits: 'the Rice parameter',
    bitsHex: 'the coded gaps, MSB first, zero padded to a byte',
  },
  feedKeyHex: feedKey.toString('hex'),
  windowIndexCases: windowCases,
  riceCases: [...riceCases, randomRice],
};
writeFileSync(new URL('../test/vectors/tricolor-feed-privacy.json', import.meta.url), `${JSON.stringify(vectors, null, 2)}\n`);
console.log('wrote test/vectors/tricolor-feed-privacy.json');
