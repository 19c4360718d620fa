// An independent re-implementation of the window permutation and the Rice coding
// (docs/feed-privacy.md), written from the description with node:crypto, BigInt and bit strings,
// sharing no code with src/. The vectors in test/vectors/tricolor-feed-privacy.json were computed
// with it; the tests compare src/ against both.
import { createHmac } from 'node:crypto';

export function referenceIndex(feedKey: Buffer, window: number, epoch: number, domain: number, slot: number, inverse = false): number {
  const info = Buffer.alloc(13);
  info.writeUInt32BE(window, 0);
  info.writeUInt8(epoch, 4);
  info.writeBigUInt64BE(BigInt(domain), 5);
  const roundKey = createHmac('sha256', feedKey)
    .update(Buffer.concat([Buffer.from('tricolor/window-index/v1'), info]))
    .digest();
  // Halves Z_left × Z_right with right = ceil(sqrt(domain)), computed with BigInt square roots.
  let right = 1n;
  while (right * right < BigInt(domain)) right++;
  const D = BigInt(domain);
  const left = (D + right - 1n) / right;
  const f = (i: number, half: bigint, size: bigint): bigint => {
    const msg = Buffer.alloc(5);
    msg[0] = i;
    msg.writeUInt32BE(Number(half), 1);
    return BigInt(createHmac('sha256', roundKey).update(msg).digest().readUInt32BE(0)) % size;
  };
  const once = (x: number): number => {
    let a = BigInt(x) / right;
    let b = BigInt(x) % right;
    if (!inverse) {
      for (let i = 0; i < 10; i++) {
        const size = i % 2 === 0 ? left : right;
        [a, b] = [b, (a + f(i, b, size)) % size];
      }
    } else {
      for (let i = 9; i >= 0; i--) {
        const size = i % 2 === 0 ? left : right;
        [a, b] = [(((b - f(i, a, size)) % size) + size) % size, a];
      }
    }
    return Number(a * right + b);
  };
  let y = once(slot);
  while (y >= domain) y = once(y);
  return y;
}

/** Rice-codes sorted indices as a string of '0'/'1', then packs it MSB first with zero padding. */
export function referenceRice(indices: number[], riceBits: number): string {
  let bits = '';
  let previous = -1;
  for (const index of indices) {
    const gap = index - previous - 1;
    previous = index;
    const quotient = Math.floor(gap / 2 ** riceBits);
    bits += `${'1'.repeat(quotient)}0`;
    if (riceBits > 0) bits += (gap % 2 ** riceBits).toString(2).padStart(riceBits, '0');
  }
  while (bits.length % 8 !== 0) bits += '0';
  let hex = '';
  for (let i = 0; i < bits.length; i += 8)
    hex += Number.parseInt(bits.slice(i, i + 8), 2)
      .toString(16)
      .padStart(2, '0');
  return hex;
}
