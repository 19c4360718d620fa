// The signed revocation feed (docs/revocation-feed.md): per issuance window, the window indices
// of revoked tokens as Rice-coded pieces (docs/feed-privacy.md), synced by sequence number.
// Issuing a token writes nothing, so there is no per-token id to revoke: a downgrade lists the
// holder's index in every window that can still hold a live token of theirs.

import { CborError, type CborLimits, type CborValue, decodeCbor, encodeCbor } from './cbor.ts';
import { signTypedDocument } from './cose.ts';
import type { Ed25519Backend } from './ed25519.ts';
import type { DocumentReasonCode, ReasonCode } from './reasons.ts';
import { oldestLiveWindow } from './revocation-epoch.ts';
import { keyWindowContains, lookupKey, parseTypedDocument, verifySign1Signature } from './sign1.ts';
import type { Signer, TrustedKey } from './signing-keys.ts';
import { type CodedStatusPiece, encodeStatusPiece, type StatusPiece } from './status-set.ts';
import { applyStatusPieces, STATUS_SETS_LIMITS, statusPiecesFromCbor, statusPiecesToCbor, type WindowStatusSets } from './status-sets.ts';
import { MAX_REVOCATION_EPOCH } from './window-pseudonym.ts';

export const REVOCATION_FEED_CONTENT_TYPE = 'application/vnd.tricolor.revocations+cbor';
/**
 * The largest signed feed a verifier reads: a snapshot for 70 M holders with 5 % downgraded
 * (3.5 M indices in each of six windows at about 6 bits each) is about 16 MB.
 */
export const MAX_FEED_BYTES = 32 * 1024 * 1024;
const HEADER_FIELDS = 6;
// The payload map (depth 1) holds the array of pieces (2), each an array (3).
const LIMITS: CborLimits = {
  maxDepth: 3,
  maxItems: 1 + 2 * (HEADER_FIELDS + 1) + STATUS_SETS_LIMITS.maxItems,
  maxStringBytes: STATUS_SETS_LIMITS.maxStringBytes,
};

const F = { issuer: 1, kind: 2, fromSeq: 3, toSeq: 4, issuedAt: 5, maxTokenLifetime: 6, pieces: 9 } as const;

/** Fields 1–6 of the payload, the same in every version of the feed. */
export interface RevocationFeedHeader {
  issuer: string;
  /** A snapshot lists every live revocation; a delta adds to what a verifier holds. */
  kind: 'snapshot' | 'delta';
  /** Revocations with sequence numbers in (fromSeq, toSeq]; a snapshot has fromSeq 0. */
  fromSeq: number;
  toSeq: number;
  issuedAt: number;
  /** The longest token lifetime, so verifiers can drop windows that can no longer matter. */
  maxTokenLifetime: number;
}

/**
 * A feed as the issuer encodes it. Pieces built page by page come Rice-coded (StatusPieceEncoder);
 * a piece given as sorted indices is coded here (encodeStatusPiece).
 */
export interface UnsignedRevocationFeed extends RevocationFeedHeader {
  /** Strictly increasing (window, epoch), one piece per pair (field 9). */
  pieces: readonly (CodedStatusPiece | StatusPiece)[];
}

/** A feed as a verifier decodes it: the revoked indices of each (window, epoch). */
export interface RevocationFeed extends RevocationFeedHeader {
  pieces: StatusPiece[];
}

export function encodeRevocationFeedPayload(feed: UnsignedRevocationFeed): Uint8Array {
  if (feed.kind === 'snapshot' && feed.fromSeq !== 0) throw new RangeError('a snapshot starts at sequence 0');
  if (feed.toSeq < feed.fromSeq) throw new RangeError('toSeq before fromSeq');
  const coded = feed.pieces.map((p) => ('bits' in p ? p : encodeStatusPiece(p)));
  let previous = -1;
  for (const p of coded) {
    // The decoder's order rule (status-sets.ts), checked here so an issuer cannot sign a feed
    // every verifier would refuse.
    const key = p.window * (MAX_REVOCATION_EPOCH + 1) + p.epoch;
    if (key <= previous) throw new RangeError('pieces must be in strictly increasing (window, epoch) order');
    previous = key;
  }
  return encodeCbor(
    new Map<number, CborValue>([
      [F.issuer, feed.issuer],
      [F.kind, feed.kind === 'snapshot' ? 0 : 1],
      [F.fromSeq, feed.fromSeq],
      [F.toSeq, feed.toSeq],
      [F.issuedAt, feed.issuedAt],
      [F.maxTokenLifetime, feed.maxTokenLifetime],
      [F.pieces, statusPiecesToCbor(coded)],
    ]),
  );
}

export async function signRevocationFeed(feed: UnsignedRevocationFeed, signer: Signer): Promise<Uint8Array> {
  return signTypedDocument(REVOCATION_FEED_CONTENT_TYPE, encodeRevocationFeedPayload(feed), signer);
}

export type FeedReason = ReasonCode | Extract<DocumentReasonCode, 'bad_format' | 'bad_status_set'>;
export type FeedResult = { ok: true; feed: RevocationFeed; key: TrustedKey } | { ok: false; reason: FeedReason; detail: string };

export interface FeedCheck {
  /** Signing keys from the verified trust list. */
  keys: readonly TrustedKey[];
  now: number;
  skewSeconds?: number;
  backend?: Ed25519Backend;
}

/** Verifies a feed against the trust list's signing keys (the same key rules as tokens). */
export async function verifyRevocationFeed(bytes: Uint8Array, check: FeedCheck): Promise<FeedResult> {
  try {
    if (bytes.length > MAX_FEED_BYTES) return { ok: false, reason: 'input_too_large', detail: `${bytes.length} bytes` };
    const doc = parseTypedDocument(bytes, LIMITS, REVOCATION_FEED_CONTENT_TYPE);
    if (!doc.ok) return doc;
    const { parsed } = doc;
    const found = lookupKey(check.keys, doc.kid);
    if (!found.ok) return found;
    if (!(await verifySign1Signature(parsed, found.key, check.backend)))
      return { ok: false, reason: 'bad_signature', detail: 'feed signature does not verify' };
    const decoded = decodeFeedPayload(parsed.payload);
    if (!decoded.ok) return decoded;
    const feed = decoded.feed;
    if (!keyWindowContains(found.key, feed.issuedAt))
      return { ok: false, reason: 'key_not_valid_at_iat', detail: 'feed issued outside its key’s window' };
    if (feed.issuedAt > check.now + (check.skewSeconds ?? 300))
      return { ok: false, reason: 'not_yet_valid', detail: `feed issued at ${feed.issuedAt}, in this device's future` };
    return { ok: true, feed, key: found.key };
  } catch (e) {
    return { ok: false, reason: 'bad_format', detail: `unexpected: ${e instanceof Error ? e.name : 'error'}` };
  }
}

function decodeFeedPayload(payload: Uint8Array): { ok: true; feed: RevocationFeed } | { ok: false; reason: FeedReason; detail: string } {
  let map: CborValue;
  try {
    map = decodeCbor(payload, LIMITS);
  } catch (e) {
    return { ok: false, reason: 'bad_cbor', detail: e instanceof CborError ? e.message : 'undecodable' };
  }
  const bad = (detail: string) => ({ ok: false as const, reason: 'bad_format' as const, detail });
  if (!(map instanceof Map)) return bad('payload must be a map');
  const issuer = map.get(F.issuer);
  const kind = map.get(F.kind);
  const fromSeq = map.get(F.fromSeq);
  const toSeq = map.get(F.toSeq);
  const issuedAt = map.get(F.issuedAt);
  const maxTokenLifetime = map.get(F.maxTokenLifetime);
  if (typeof issuer !== 'string' || issuer.length === 0) return bad('issuer (1) must be text');
  if (kind !== 0 && kind !== 1) return bad('kind (2) must be 0 (snapshot) or 1 (delta)');
  if (!isUint(fromSeq) || !isUint(toSeq) || toSeq < fromSeq) return bad('fromSeq/toSeq (3, 4) must be ordered integers');
  if (kind === 0 && fromSeq !== 0) return bad('a snapshot starts at sequence 0');
  if (!isUint(issuedAt) || !isUint(maxTokenLifetime)) return bad('times (5, 6) must be integers');
  for (const key of map.keys()) if (!KNOWN_FIELDS.has(key)) return bad(`unknown field ${String(key)} (version 1's 7 and 8 are gone)`);
  if (!map.has(F.pieces)) return bad('pieces (9) are missing');
  const pieces = statusPiecesFromCbor(map.get(F.pieces)!);
  if (!pieces.ok) return pieces;
  return {
    ok: true,
    feed: { issuer, kind: kind === 0 ? 'snapshot' : 'delta', fromSeq, toSeq, issuedAt, maxTokenLifetime, pieces: pieces.pieces },
  };
}

const KNOWN_FIELDS = new Set<unknown>(Object.values(F));

/** What a verifier keeps between syncs. */
export interface RevocationState {
  issuer: string;
  seq: number;
  issuedAt: number;
  maxTokenLifetime: number;
  /** window → epoch → sorted revoked indices; this is what verifyToken's context takes. */
  sets: WindowStatusSets;
}

export type ApplyResult =
  | {
      ok: true;
      state: RevocationState;
      changed: boolean;
      /**
       * The feed was a snapshot ending below the sequence already held: the issuer's database was
       * restored to an earlier point (docs/revocation-feed.md "Issuer restore").
       */
      restored: boolean;
    }
  | { ok: false; reason: Extract<DocumentReasonCode, 'gap' | 'issuer_mismatch'>; detail: string };

/**
 * Folds a verified feed into the local state. Pure: returns a new state. A delta that starts
 * after the local sequence leaves a gap and asks for a snapshot; an older delta changes nothing.
 *
 * Revocation is one-way: an issuer never removes an index that can still revoke a live token (it
 * only prunes windows that have left the feed), so a snapshot is merged into what is held, never
 * swapped for it: an index the snapshot lacks can only mean the issuer lost it. For an honest
 * issuer the merge and the swap give the same sets.
 *
 * A snapshot ending below the held sequence means the issuer was restored: its sequence numbers
 * now name other revocations, so the state continues from the snapshot's `toSeq`, with the held
 * sets kept, and the result says `restored`.
 *
 * Windows before `oldestLiveWindow(now, maxTokenLifetime, skew)` are dropped as it goes: every
 * token they could revoke has expired, even for a verifier that accepts tokens `skew` past exp.
 */
export function applyRevocationFeed(state: RevocationState | undefined, feed: RevocationFeed, now: number, skewSeconds = 300): ApplyResult {
  if (state && state.issuer !== feed.issuer)
    return { ok: false, reason: 'issuer_mismatch', detail: `${feed.issuer} is not ${state.issuer}` };
  if (state && feed.toSeq <= state.seq && feed.kind === 'delta') return { ok: true, state, changed: false, restored: false };
  if (feed.kind === 'delta' && (!state || feed.fromSeq > state.seq))
    return { ok: false, reason: 'gap', detail: `delta starts at ${feed.fromSeq}, local state is at ${state?.seq ?? 'nothing'}` };
  const restored = state !== undefined && feed.kind === 'snapshot' && feed.toSeq < state.seq;
  const oldest = oldestLiveWindow(now, feed.maxTokenLifetime, skewSeconds);
  // With nothing held a snapshot is the whole state; otherwise it is unioned in like a delta.
  const sets = applyStatusPieces(state?.sets, state ? 'delta' : 'snapshot', feed.pieces, oldest);
  return {
    ok: true,
    changed: true,
    restored,
    state: { issuer: feed.issuer, seq: feed.toSeq, issuedAt: feed.issuedAt, maxTokenLifetime: feed.maxTokenLifetime, sets },
  };
}

function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
