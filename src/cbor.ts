// A strict, bounded CBOR (RFC 8949) codec for the small structures Tricolor signs.
//
// Why not a general-purpose decoder: every byte a verifier reads may be hostile. This decoder
// accepts only what the token, trust list and revocation feed use (unsigned/negative integers
// within 2^53, byte and text strings, arrays, maps keyed by integers or text, tags, and the
// simple values false/true/null), caps nesting depth, item counts and string lengths before it
// allocates anything, rejects indefinite lengths, duplicate map keys, and trailing bytes, and
// never re-encodes: byte strings come back as views of the input so signatures are checked over
// the exact bytes received (RFC 9052 §4.4).

export type CborKey = number | string;
export type CborValue = number | string | Uint8Array | boolean | null | CborValue[] | Map<CborKey, CborValue> | CborTagged;

export class CborTagged {
  readonly tag: number;
  readonly value: CborValue;
  constructor(tag: number, value: CborValue) {
    this.tag = tag;
    this.value = value;
  }
}

export class CborError extends Error {
  override name = 'CborError';
}

export interface CborLimits {
  /** Deepest nesting of arrays, maps and tags. */
  maxDepth: number;
  /** Total number of data items in the whole input. */
  maxItems: number;
  /** Longest single byte or text string, in bytes. */
  maxStringBytes: number;
}

export const DEFAULT_CBOR_LIMITS: CborLimits = { maxDepth: 8, maxItems: 512, maxStringBytes: 4096 };

const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  offset = 0;
  items = 0;
  readonly bytes: Uint8Array;
  readonly limits: CborLimits;
  constructor(bytes: Uint8Array, limits: CborLimits) {
    this.bytes = bytes;
    this.limits = limits;
  }

  need(n: number): void {
    if (this.bytes.length - this.offset < n) throw new CborError(`truncated: needs ${n} more byte(s) at offset ${this.offset}`);
  }

  // RFC 8949 §3: the initial byte's low 5 bits give the argument or how many bytes hold it.
  argument(info: number): number {
    if (info < 24) return info;
    const b = this.bytes;
    switch (info) {
      case 24:
        this.need(1);
        return b[this.offset++]!;
      case 25:
        this.need(2);
        this.offset += 2;
        return (b[this.offset - 2]! << 8) | b[this.offset - 1]!;
      case 26: {
        this.need(4);
        const o = this.offset;
        this.offset += 4;
        return ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
      }
      case 27: {
        this.need(8);
        const o = this.offset;
        this.offset += 8;
        const high = ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
        const low = ((b[o + 4]! << 24) >>> 0) + (b[o + 5]! << 16) + (b[o + 6]! << 8) + b[o + 7]!;
        if (high > 0x1fffff) throw new CborError('integer beyond 2^53 is not supported');
        return high * 0x100000000 + low;
      }
      case 31:
        throw new CborError('indefinite-length items are not accepted');
      default:
        throw new CborError(`reserved additional information ${info}`);
    }
  }

  item(depth: number): CborValue {
    if (++this.items > this.limits.maxItems) throw new CborError(`more than ${this.limits.maxItems} data items`);
    this.need(1);
    const initial = this.bytes[this.offset++]!;
    const major = initial >> 5;
    const info = initial & 31;
    if (major === 7) return this.simple(info);
    const arg = this.argument(info);
    switch (major) {
      case 0:
        return arg;
      case 1:
        return -1 - arg;
      case 2:
      case 3: {
        if (arg > this.limits.maxStringBytes) throw new CborError(`string of ${arg} bytes exceeds ${this.limits.maxStringBytes}`);
        this.need(arg);
        const view = this.bytes.subarray(this.offset, this.offset + arg);
        this.offset += arg;
        if (major === 2) return view;
        try {
          return textDecoder.decode(view);
        } catch {
          throw new CborError('text string is not valid UTF-8');
        }
      }
      case 4: {
        if (depth >= this.limits.maxDepth) throw new CborError(`nesting deeper than ${this.limits.maxDepth}`);
        // Each element needs at least one byte, so a count beyond the remaining input is a lie.
        if (arg > this.bytes.length - this.offset) throw new CborError('array length exceeds input');
        const out: CborValue[] = [];
        for (let i = 0; i < arg; i++) out.push(this.item(depth + 1));
        return out;
      }
      case 5: {
        if (depth >= this.limits.maxDepth) throw new CborError(`nesting deeper than ${this.limits.maxDepth}`);
        if (arg * 2 > this.bytes.length - this.offset) throw new CborError('map length exceeds input');
        const out = new Map<CborKey, CborValue>();
        for (let i = 0; i < arg; i++) {
          const key = this.item(depth + 1);
          if (typeof key !== 'number' && typeof key !== 'string') throw new CborError('map keys must be integers or text');
          // RFC 8949 §5.6: duplicate keys make a map invalid; accepting them would let two
          // decoders see different claims in the same signed bytes.
          if (out.has(key)) throw new CborError(`duplicate map key ${JSON.stringify(key)}`);
          out.set(key, this.item(depth + 1));
        }
        return out;
      }
      case 6: {
        if (depth >= this.limits.maxDepth) throw new CborError(`nesting deeper than ${this.limits.maxDepth}`);
        return new CborTagged(arg, this.item(depth + 1));
      }
      default:
        throw new CborError(`unexpected major type ${major}`);
    }
  }

  simple(info: number): CborValue {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 25:
      case 26:
      case 27:
        throw new CborError('floating-point values are not used in Tricolor structures');
      default:
        throw new CborError(`unsupported simple value ${info}`);
    }
  }
}

/** Decodes exactly one CBOR data item that spans the whole input. Throws CborError on anything else. */
export function decodeCbor(bytes: Uint8Array, limits: CborLimits = DEFAULT_CBOR_LIMITS): CborValue {
  const reader = new Reader(bytes, limits);
  const value = reader.item(0);
  if (reader.offset !== bytes.length) throw new CborError(`${bytes.length - reader.offset} trailing byte(s)`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Encoder: RFC 8949 §4.2.1 core deterministic encoding (shortest arguments, definite lengths,
// map keys sorted by their encoded bytes), so the same claims always give the same bytes.

export function encodeCbor(value: CborValue): Uint8Array {
  const writer = new Writer();
  writer.item(value);
  return writer.result();
}

const textEncoder = new TextEncoder();

class Writer {
  buffer = new Uint8Array(256);
  length = 0;

  reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  head(major: number, arg: number): void {
    if (!Number.isSafeInteger(arg) || arg < 0) throw new RangeError(`CBOR argument ${arg} is not a non-negative safe integer`);
    const m = major << 5;
    this.reserve(9);
    const b = this.buffer;
    let o = this.length;
    if (arg < 24) b[o++] = m | arg;
    else if (arg < 0x100) {
      b[o++] = m | 24;
      b[o++] = arg;
    } else if (arg < 0x10000) {
      b[o++] = m | 25;
      b[o++] = arg >> 8;
      b[o++] = arg & 0xff;
    } else if (arg < 0x100000000) {
      b[o++] = m | 26;
      b[o++] = arg >>> 24;
      b[o++] = (arg >> 16) & 0xff;
      b[o++] = (arg >> 8) & 0xff;
      b[o++] = arg & 0xff;
    } else {
      const high = Math.floor(arg / 0x100000000);
      const low = arg >>> 0;
      b[o++] = m | 27;
      b[o++] = 0;
      b[o++] = (high >> 16) & 0xff;
      b[o++] = (high >> 8) & 0xff;
      b[o++] = high & 0xff;
      b[o++] = low >>> 24;
      b[o++] = (low >> 16) & 0xff;
      b[o++] = (low >> 8) & 0xff;
      b[o++] = low & 0xff;
    }
    this.length = o;
  }

  item(value: CborValue): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new RangeError(`only safe integers are encodable, got ${value}`);
      if (value >= 0) this.head(0, value);
      else this.head(1, -1 - value);
    } else if (typeof value === 'string') {
      const bytes = textEncoder.encode(value);
      this.head(3, bytes.length);
      this.bytes(bytes);
    } else if (value instanceof Uint8Array) {
      this.head(2, value.length);
      this.bytes(value);
    } else if (value === false) this.byte(0xf4);
    else if (value === true) this.byte(0xf5);
    else if (value === null) this.byte(0xf6);
    else if (Array.isArray(value)) {
      this.head(4, value.length);
      for (const v of value) this.item(v);
    } else if (value instanceof Map) {
      const entries = [...value.entries()].map(([k, v]) => [encodeCbor(k), v] as const);
      entries.sort((a, b) => compareBytes(a[0], b[0]));
      this.head(5, entries.length);
      for (let i = 0; i < entries.length; i++) {
        const [k, v] = entries[i]!;
        if (i > 0 && compareBytes(entries[i - 1]![0], k) === 0) throw new RangeError('duplicate map key');
        this.bytes(k);
        this.item(v);
      }
    } else if (value instanceof CborTagged) {
      this.head(6, value.tag);
      this.item(value.value);
    } else {
      throw new TypeError('value is not encodable as Tricolor CBOR');
    }
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
