import { describe, expect, it } from 'vitest';
import { CborError, CborTagged, decodeCbor, encodeCbor, fromHex, toHex } from '../../src/index.ts';

const decodeHex = (hex: string) => decodeCbor(fromHex(hex));

describe('strict CBOR decoder', () => {
  // RFC 8949 Appendix A examples that fall inside Tricolor's subset.
  it.each([
    ['00', 0],
    ['17', 23],
    ['1818', 24],
    ['1903e8', 1000],
    ['1a000f4240', 1000000],
    ['1b000000e8d4a51000', 1000000000000],
    ['20', -1],
    ['3863', -100],
    ['f4', false],
    ['f5', true],
    ['f6', null],
    ['6161', 'a'],
    ['62c3bc', '\u00fc'],
  ])('decodes RFC 8949 Appendix A %s', (hex, expected) => {
    expect(decodeHex(hex)).toEqual(expected);
  });

  it('decodes arrays, maps, tags and byte strings', () => {
    expect(decodeHex('83010203')).toEqual([1, 2, 3]);
    expect(decodeHex('a201020304')).toEqual(
      new Map([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(decodeHex('4401020304')).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(decodeHex('d24100')).toEqual(new CborTagged(18, Uint8Array.of(0)));
  });

  it('returns byte strings as views of the input, not copies', () => {
    const input = fromHex('4401020304');
    const out = decodeCbor(input) as Uint8Array;
    expect(out.buffer).toBe(input.buffer);
  });

  it.each([
    ['5f42010243030405ff', 'indefinite-length'],
    ['9f01ff', 'indefinite-length'],
    ['fa47c35000', 'floating-point'],
    ['f93c00', 'floating-point'],
    ['1c', 'reserved'],
    ['f0', 'unsupported simple value'],
    ['a201020103', 'duplicate map key'],
    ['a1f401', 'map keys must be integers or text'],
    ['0000', 'trailing'],
    ['1a0000', 'truncated'],
    ['5a7fffffff', 'exceeds'],
    ['9a7fffffff', 'exceeds'],
    ['62c328', 'UTF-8'],
    ['1bffffffffffffffff', 'beyond 2^53'],
    ['', 'truncated'],
  ])('rejects %s (%s)', (hex, message) => {
    expect(() => decodeHex(hex)).toThrow(CborError);
    expect(() => decodeHex(hex)).toThrow(message);
  });

  it('caps nesting depth before recursing', () => {
    const deep = fromHex(`${'81'.repeat(10000)}00`);
    expect(() => decodeCbor(deep)).toThrow(/nesting deeper/);
  });

  it('caps the total number of items', () => {
    const wide = fromHex(`99ffff${'00'.repeat(0xffff)}`);
    expect(() => decodeCbor(wide)).toThrow(/more than 512 data items/);
  });

  it('checks a declared string length against the input before allocating', () => {
    expect(() => decodeCbor(fromHex('5a000fffff00'), { maxDepth: 4, maxItems: 8, maxStringBytes: 1 << 30 })).toThrow(/truncated/);
  });
});

describe('deterministic CBOR encoder', () => {
  it('uses the shortest argument form (RFC 8949 §4.2.1)', () => {
    expect(toHex(encodeCbor(23))).toBe('17');
    expect(toHex(encodeCbor(24))).toBe('1818');
    expect(toHex(encodeCbor(65535))).toBe('19ffff');
    expect(toHex(encodeCbor(65536))).toBe('1a00010000');
    expect(toHex(encodeCbor(4294967296))).toBe('1b0000000100000000');
    expect(toHex(encodeCbor(-65537))).toBe('3a00010000');
  });

  it('sorts map keys by their encoded bytes whatever the insertion order', () => {
    const a = encodeCbor(
      new Map<number | string, number>([
        [-65537, 0],
        ['z', 1],
        [6, 2],
        [1, 3],
      ]),
    );
    const b = encodeCbor(
      new Map<number | string, number>([
        [1, 3],
        [6, 2],
        ['z', 1],
        [-65537, 0],
      ]),
    );
    expect(toHex(a)).toBe(toHex(b));
    // 0x01 < 0x06 < 0x3a... < 0x61 'z'
    expect(toHex(a)).toBe('a4010306023a0001000000617a01');
  });

  it('round-trips through the decoder', () => {
    const value = new CborTagged(18, [fromHex('a10127'), new Map(), fromHex('deadbeef'), new Uint8Array(64)]);
    expect(decodeCbor(encodeCbor(value))).toEqual(value);
  });

  it('refuses values outside the subset', () => {
    expect(() => encodeCbor(1.5)).toThrow(RangeError);
    expect(() => encodeCbor(undefined as never)).toThrow(TypeError);
  });
});
