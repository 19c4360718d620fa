// Revoked window indices as a snapshot or delta carries them, and as a verifier holds them
// (docs/feed-privacy.md). On the wire: a CBOR (RFC 8949) array of pieces, each
// [window, epoch, domain, count, riceBits, bits], in strictly increasing (window, epoch) order,
// so that one (window, epoch) has one piece. A verifier holds, per window and epoch, a sorted
// array it searches in O(log k).

import { CborError, type CborLimits, type CborValue, decodeCbor, encodeCbor } from './cbor.ts';
import { type CodedStatusPiece, decodeStatusPiece, MAX_PIECE_ENTRIES, type StatusPiece } from './status-set.ts';
import { MAX_REVOCATION_EPOCH } from './window-pseudonym.ts';

/** Live windows (about 5) times epochs in use, with room to spare. */
export const MAX_PIECES = 256;
/**
 * All pieces together: six live windows of the fullest piece (MAX_PIECE_ENTRIES). Checked over
 * the claimed counts before any piece is decoded, so a signed but hostile feed cannot make a
 * verifier hold more than 96 MB of indices, whatever the bytes allow.
 */
export const MAX_FEED_INDICES = 6 * MAX_PIECE_ENTRIES;
const FIELDS = 6;
export const STATUS_SETS_LIMITS: CborLimits = {
  maxDepth: 2,
  maxItems: 1 + MAX_PIECES * (FIELDS + 1),
  // A piece of MAX_PIECE_ENTRIES indices at the widest Rice parameter still plausible (24 bits).
  maxStringBytes: Math.ceil((MAX_PIECE_ENTRIES * 26) / 8),
};

export function statusPiecesToCbor(pieces: readonly CodedStatusPiece[]): CborValue {
  return pieces.map((p) => [p.window, p.epoch, p.domain, p.count, p.riceBits, p.bits]);
}

export function encodeStatusSets(pieces: readonly CodedStatusPiece[]): Uint8Array {
  return encodeCbor(statusPiecesToCbor(pieces));
}

export type StatusSetsResult = { ok: true; pieces: StatusPiece[] } | { ok: false; reason: 'bad_cbor' | 'bad_status_set'; detail: string };

/** Decodes the pieces of an already-parsed CBOR value (the feed payload's field). */
export function statusPiecesFromCbor(value: CborValue): StatusSetsResult {
  const bad = (detail: string) => ({ ok: false as const, reason: 'bad_status_set' as const, detail });
  if (!Array.isArray(value)) return bad('pieces must be an array');
  if (value.length > MAX_PIECES) return bad(`more than ${MAX_PIECES} pieces`);
  let claimed = 0;
  for (const item of value) if (Array.isArray(item) && typeof item[3] === 'number') claimed += item[3];
  if (claimed > MAX_FEED_INDICES) return bad(`more than ${MAX_FEED_INDICES} indices in all`);
  const pieces: StatusPiece[] = [];
  let previousKey = -1;
  for (const item of value) {
    if (!Array.isArray(item) || item.length !== FIELDS) return bad(`a piece must be an array of ${FIELDS} fields`);
    const [window, epoch, domain, count, riceBits, bits] = item;
    if (!(bits instanceof Uint8Array)) return bad('piece bits must be a byte string');
    const decoded = decodeStatusPiece({ window, epoch, domain, count, riceBits, bits } as CodedStatusPiece);
    if (!decoded.ok) return decoded;
    const key = decoded.piece.window * (MAX_REVOCATION_EPOCH + 1) + decoded.piece.epoch;
    if (key <= previousKey) return bad('pieces must be in strictly increasing (window, epoch) order');
    previousKey = key;
    pieces.push(decoded.piece);
  }
  return { ok: true, pieces };
}

export function decodeStatusSets(bytes: Uint8Array): StatusSetsResult {
  let value: CborValue;
  try {
    value = decodeCbor(bytes, STATUS_SETS_LIMITS);
  } catch (e) {
    return { ok: false, reason: 'bad_cbor', detail: e instanceof CborError ? e.message : 'undecodable' };
  }
  return statusPiecesFromCbor(value);
}

/** window → epoch → sorted revoked indices. */
export type WindowStatusSets = ReadonlyMap<number, ReadonlyMap<number, Uint32Array>>;

/**
 * Folds pieces into what a verifier holds. Pure: returns new maps. A snapshot replaces the
 * state; a delta merges into it. Windows before `oldestLiveWindow` are dropped: every token
 * they could revoke has expired.
 */
export function applyStatusPieces(
  state: WindowStatusSets | undefined,
  kind: 'snapshot' | 'delta',
  pieces: readonly StatusPiece[],
  oldestLiveWindow: number,
): WindowStatusSets {
  const next = new Map<number, Map<number, Uint32Array>>();
  if (kind === 'delta' && state) for (const [window, epochs] of state) if (window >= oldestLiveWindow) next.set(window, new Map(epochs));
  for (const piece of pieces) {
    if (piece.window < oldestLiveWindow) continue;
    const epochs = next.get(piece.window) ?? new Map<number, Uint32Array>();
    next.set(piece.window, epochs);
    const held = epochs.get(piece.epoch);
    epochs.set(piece.epoch, held ? mergeSorted(held, piece.indices) : piece.indices);
  }
  return next;
}

export function isWindowIndexRevoked(state: WindowStatusSets, window: number, epoch: number, index: number): boolean {
  const sorted = state.get(window)?.get(epoch);
  if (!sorted) return false;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < index) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === index;
}

/** The sorted union of two sorted arrays without duplicates. */
function mergeSorted(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (n === 0 || out[n - 1] !== x) out[n++] = x;
  }
  return out.slice(0, n);
}
