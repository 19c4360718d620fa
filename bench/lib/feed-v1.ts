// The version 1 revocation feed (8-byte (sub, revokedBefore) records, payload fields 7-8), kept
// only as the bench's baseline: the same work in the old format, measured in the same run
// (bench/feed-privacy.ts). Copied from src/revocation-feed.ts as it was before version 2; no
// product code uses it.

import {
  CborError,
  type CborLimits,
  type CborValue,
  type DocumentReasonCode,
  decodeCbor,
  type Ed25519Backend,
  encodeCbor,
  keyWindowContains,
  lookupKey,
  parseTypedDocument,
  type ReasonCode,
  type Signer,
  SUB_BYTES,
  signTypedDocument,
  subFromBytes,
  subToBytes,
  type TrustedKey,
  verifySign1Signature,
} from '../../src/index.ts';

export const REVOCATION_FEED_CONTENT_TYPE = 'application/vnd.tricolor.revocations+cbor';
/** One record: 5-byte sub id, then revokedBefore as a 3-byte big-endian offset from baseTime. */
export const RECORD_BYTES = SUB_BYTES + 3;
const MAX_OFFSET = 0xffffff; // about 194 days; feeds only carry entries younger than a token lifetime
export const MAX_FEED_ENTRIES = 1_000_000;
const LIMITS: CborLimits = { maxDepth: 3, maxItems: 32, maxStringBytes: MAX_FEED_ENTRIES * RECORD_BYTES };

const F = { issuer: 1, kind: 2, fromSeq: 3, toSeq: 4, issuedAt: 5, maxTokenLifetime: 6, baseTime: 7, records: 8 } as const;

export interface RevocationEntry {
  sub: string;
  /** Every token of this holder with iat <= revokedBefore is revoked. */
  revokedBefore: number;
}

export interface RevocationFeed {
  issuer: string;
  /** A snapshot replaces what a verifier holds; a delta adds to it. */
  kind: 'snapshot' | 'delta';
  /** Entries with sequence numbers in (fromSeq, toSeq]; a snapshot has fromSeq 0. */
  fromSeq: number;
  toSeq: number;
  issuedAt: number;
  /** The longest token lifetime, so verifiers can drop entries that can no longer matter. */
  maxTokenLifetime: number;
  entries: RevocationEntry[];
}

export function encodeRevocationFeedPayload(feed: RevocationFeed): Uint8Array {
  if (feed.entries.length > MAX_FEED_ENTRIES) throw new RangeError('too many entries');
  if (feed.kind === 'snapshot' && feed.fromSeq !== 0) throw new RangeError('a snapshot starts at sequence 0');
  if (feed.toSeq < feed.fromSeq) throw new RangeError('toSeq before fromSeq');
  let baseTime = Infinity;
  for (const e of feed.entries) baseTime = Math.min(baseTime, e.revokedBefore);
  if (!Number.isFinite(baseTime)) baseTime = feed.issuedAt;
  const records = new Uint8Array(feed.entries.length * RECORD_BYTES);
  feed.entries.forEach((entry, i) => {
    const offset = entry.revokedBefore - baseTime;
    if (!Number.isSafeInteger(offset) || offset > MAX_OFFSET) throw new RangeError('entries span more than 2^24 seconds');
    const o = i * RECORD_BYTES;
    records.set(subToBytes(entry.sub), o);
    records[o + 5] = offset >> 16;
    records[o + 6] = (offset >> 8) & 0xff;
    records[o + 7] = offset & 0xff;
  });
  return encodeCbor(
    new Map<number, CborValue>([
      [F.issuer, feed.issuer],
      [F.kind, feed.kind === 'snapshot' ? 0 : 1],
      [F.fromSeq, feed.fromSeq],
      [F.toSeq, feed.toSeq],
      [F.issuedAt, feed.issuedAt],
      [F.maxTokenLifetime, feed.maxTokenLifetime],
      [F.baseTime, baseTime],
      [F.records, records],
    ]),
  );
}

export async function signRevocationFeed(feed: RevocationFeed, signer: Signer): Promise<Uint8Array> {
  return signTypedDocument(REVOCATION_FEED_CONTENT_TYPE, encodeRevocationFeedPayload(feed), signer);
}

export type FeedReason = ReasonCode | Extract<DocumentReasonCode, 'bad_format'>;
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
    if (bytes.length > LIMITS.maxStringBytes + 512) return { ok: false, reason: 'input_too_large', detail: `${bytes.length} bytes` };
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
  const baseTime = map.get(F.baseTime);
  const records = map.get(F.records);
  if (typeof issuer !== 'string' || issuer.length === 0) return bad('issuer (1) must be text');
  if (kind !== 0 && kind !== 1) return bad('kind (2) must be 0 (snapshot) or 1 (delta)');
  if (!isUint(fromSeq) || !isUint(toSeq) || toSeq < fromSeq) return bad('fromSeq/toSeq (3, 4) must be ordered integers');
  if (kind === 0 && fromSeq !== 0) return bad('a snapshot starts at sequence 0');
  if (!isUint(issuedAt) || !isUint(maxTokenLifetime) || !isUint(baseTime)) return bad('times (5, 6, 7) must be integers');
  if (!(records instanceof Uint8Array) || records.length % RECORD_BYTES !== 0)
    return bad(`records (8) must be a multiple of ${RECORD_BYTES} bytes`);
  const entries: RevocationEntry[] = new Array(records.length / RECORD_BYTES);
  for (let i = 0, o = 0; o < records.length; i++, o += RECORD_BYTES) {
    entries[i] = {
      sub: subFromBytes(records.subarray(o, o + SUB_BYTES)),
      revokedBefore: baseTime + ((records[o + 5]! << 16) | (records[o + 6]! << 8) | records[o + 7]!),
    };
  }
  return {
    ok: true,
    feed: { issuer, kind: kind === 0 ? 'snapshot' : 'delta', fromSeq, toSeq, issuedAt, maxTokenLifetime, entries },
  };
}

/** What a verifier keeps between syncs. */
export interface RevocationState {
  issuer: string;
  seq: number;
  issuedAt: number;
  maxTokenLifetime: number;
  /** sub -> latest revokedBefore; this map is what verifyToken's context takes. */
  revoked: Map<string, number>;
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
 * Revocation is one-way: an issuer never removes an entry that can still revoke a live token (it
 * only prunes dead ones), so a snapshot is merged into what is held, never swapped for it: an
 * entry the snapshot lacks can only mean the issuer lost it.
 *
 * A snapshot ending below the held sequence means the issuer was restored: its sequence numbers
 * now name other entries, so the state continues from the snapshot's `toSeq`, with the held
 * entries kept, and the result says `restored`.
 */
export function applyRevocationFeed(state: RevocationState | undefined, feed: RevocationFeed, now: number, skewSeconds = 300): ApplyResult {
  if (state && state.issuer !== feed.issuer)
    return { ok: false, reason: 'issuer_mismatch', detail: `${feed.issuer} is not ${state.issuer}` };
  if (state && feed.toSeq <= state.seq && feed.kind === 'delta') return { ok: true, state, changed: false, restored: false };
  if (feed.kind === 'delta' && (!state || feed.fromSeq > state.seq))
    return { ok: false, reason: 'gap', detail: `delta starts at ${feed.fromSeq}, local state is at ${state?.seq ?? 'nothing'}` };
  const restored = state !== undefined && feed.kind === 'snapshot' && feed.toSeq < state.seq;
  const revoked = new Map(state?.revoked ?? []);
  for (const e of feed.entries) {
    const previous = revoked.get(e.sub);
    if (previous === undefined || e.revokedBefore > previous) revoked.set(e.sub, e.revokedBefore);
  }
  // An entry older than the longest token lifetime (plus the verifiers' clock tolerance, which
  // keeps a token acceptable that long past exp) can only revoke tokens that have expired.
  const horizon = now - feed.maxTokenLifetime - skewSeconds;
  for (const [sub, before] of revoked) if (before < horizon) revoked.delete(sub);
  return {
    ok: true,
    changed: true,
    restored,
    state: { issuer: feed.issuer, seq: feed.toSeq, issuedAt: feed.issuedAt, maxTokenLifetime: feed.maxTokenLifetime, revoked },
  };
}

function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
