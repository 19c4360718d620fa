// The token's CWT claims (RFC 8392 §3) with Tricolor's private labels, and their strict typing.

import { CborError, type CborLimits, type CborValue, decodeCbor, encodeCbor } from './cbor.ts';
import { MAX_DOMAIN, MAX_REVOCATION_EPOCH } from './window-pseudonym.ts';

export type Color = 'green' | 'yellow' | 'red';
export const COLORS: readonly Color[] = ['green', 'yellow', 'red'];

/** RFC 8392 §4 registered claim keys, and private-use labels (negative, below -65536). */
export const CLAIM = {
  iss: 1,
  exp: 4,
  nbf: 5,
  iat: 6,
  color: -65537,
  statusEnds: -65538,
  maskedName: -65539,
  birthYear: -65540,
  windowIndex: -65541,
  revocationEpoch: -65542,
} as const;

export interface TokenClaims {
  /** Short issuer code, e.g. "ZJ". */
  iss: string;
  /** NumericDate seconds (RFC 8392 §2). */
  exp: number;
  iat: number;
  color: Color;
  nbf?: number;
  /** When a red or yellow status is due to end (NumericDate). */
  statusEnds?: number;
  /** A masked display name such as "张*" or "J* S*". */
  maskedName?: string;
  /**
   * The holder's year of birth, from the identity provider's verified birth date: the binding
   * checkpoint staff compare with an ID card (docs/token-format.md "Binding").
   */
  birthYear?: number;
  /**
   * The token's index in the feed's set for (windowOf(iat), revocationEpoch): a keyed permutation
   * of the holder's slot, fresh in every window (docs/feed-privacy.md "Window index"). It replaces
   * the permanent `sub` of version 1, so two codes from different windows cannot be linked.
   */
  windowIndex: number;
  /**
   * The holder's downgrades earlier in iat's window (docs/feed-privacy.md "Revocation epochs"),
   * 0 to MAX_REVOCATION_EPOCH. Encoded only when not 0; decoded claims leave it out when absent.
   */
  revocationEpoch?: number;
}

/** Lengths are UTF-8 bytes, so every implementation counts them the same way. */
export const CLAIM_LIMITS = { issMaxBytes: 16, nameMaxBytes: 48, birthYearMin: 1900, birthYearMax: 2999 } as const;

const KNOWN_LABELS = new Set<number | string>(Object.values(CLAIM));

export function encodeClaims(claims: TokenClaims): Uint8Array {
  const problem = claimsProblem(claims);
  if (problem) throw new TypeError(`invalid claims: ${problem}`);
  const map = new Map<number, CborValue>([
    [CLAIM.iss, claims.iss],
    [CLAIM.exp, claims.exp],
    [CLAIM.iat, claims.iat],
    [CLAIM.color, COLORS.indexOf(claims.color)],
  ]);
  if (claims.nbf !== undefined) map.set(CLAIM.nbf, claims.nbf);
  if (claims.statusEnds !== undefined) map.set(CLAIM.statusEnds, claims.statusEnds);
  if (claims.maskedName !== undefined) map.set(CLAIM.maskedName, claims.maskedName);
  if (claims.birthYear !== undefined) map.set(CLAIM.birthYear, claims.birthYear);
  map.set(CLAIM.windowIndex, claims.windowIndex);
  // Epoch 0 is left out, so a token has exactly one encoding and most tokens stay a byte shorter.
  if (claims.revocationEpoch) map.set(CLAIM.revocationEpoch, claims.revocationEpoch);
  return encodeCbor(map);
}

export type ClaimsResult = { ok: true; claims: TokenClaims } | { ok: false; reason: 'bad_cbor' | 'bad_claims'; detail: string };

// docs/token-format.md "Decoding limits": a flat map of at most ten claims.
const CLAIMS_CBOR_LIMITS: CborLimits = { maxDepth: 1, maxItems: 21, maxStringBytes: 1000 };

export function decodeClaims(payload: Uint8Array): ClaimsResult {
  let map: CborValue;
  try {
    map = decodeCbor(payload, CLAIMS_CBOR_LIMITS);
  } catch (e) {
    return { ok: false, reason: 'bad_cbor', detail: `claims: ${e instanceof CborError ? e.message : 'undecodable'}` };
  }
  if (!(map instanceof Map)) return { ok: false, reason: 'bad_claims', detail: 'claims must be a map' };
  for (const label of map.keys()) {
    if (!KNOWN_LABELS.has(label)) return { ok: false, reason: 'bad_claims', detail: `unknown claim label ${String(label)}` };
  }
  const colorIndex = map.get(CLAIM.color);
  const claims: TokenClaims = {
    iss: map.get(CLAIM.iss) as string,
    exp: map.get(CLAIM.exp) as number,
    iat: map.get(CLAIM.iat) as number,
    color: (typeof colorIndex === 'number' ? COLORS[colorIndex] : undefined) as Color,
    windowIndex: map.get(CLAIM.windowIndex) as number,
  };
  if (typeof colorIndex !== 'number' || claims.color === undefined)
    return { ok: false, reason: 'bad_claims', detail: 'colour (-65537) must be 0, 1 or 2' };
  if (map.has(CLAIM.nbf)) claims.nbf = map.get(CLAIM.nbf) as number;
  if (map.has(CLAIM.statusEnds)) claims.statusEnds = map.get(CLAIM.statusEnds) as number;
  if (map.has(CLAIM.maskedName)) claims.maskedName = map.get(CLAIM.maskedName) as string;
  if (map.has(CLAIM.birthYear)) claims.birthYear = map.get(CLAIM.birthYear) as number;
  if (map.has(CLAIM.revocationEpoch)) {
    const epoch = map.get(CLAIM.revocationEpoch);
    if (epoch === 0) return { ok: false, reason: 'bad_claims', detail: 'revocation epoch (-65542) 0 must be left out, not encoded' };
    claims.revocationEpoch = epoch as number;
  }
  const problem = claimsProblem(claims);
  return problem ? { ok: false, reason: 'bad_claims', detail: problem } : { ok: true, claims };
}

/** Returns why the claims are ill-formed, or undefined. Shared by encoder and decoder. */
export function claimsProblem(c: TokenClaims): string | undefined {
  if (!isTextOfBytes(c.iss, 1, CLAIM_LIMITS.issMaxBytes)) return `iss (1) must be text of 1-${CLAIM_LIMITS.issMaxBytes} UTF-8 bytes`;
  if (!isTime(c.exp)) return 'exp (4) must be a non-negative integer';
  if (!isTime(c.iat)) return 'iat (6) must be a non-negative integer';
  if (c.exp <= c.iat) return 'exp must be later than iat';
  if (!COLORS.includes(c.color)) return 'colour must be green, yellow or red';
  if (c.nbf !== undefined && !isTime(c.nbf)) return 'nbf (5) must be a non-negative integer';
  if (c.statusEnds !== undefined && !isTime(c.statusEnds)) return 'status end (-65538) must be a non-negative integer';
  if (c.maskedName !== undefined && !isTextOfBytes(c.maskedName, 0, CLAIM_LIMITS.nameMaxBytes)) {
    return `masked name (-65539) must be text of at most ${CLAIM_LIMITS.nameMaxBytes} UTF-8 bytes`;
  }
  if (
    c.birthYear !== undefined &&
    !(Number.isSafeInteger(c.birthYear) && c.birthYear >= CLAIM_LIMITS.birthYearMin && c.birthYear <= CLAIM_LIMITS.birthYearMax)
  ) {
    return `birth year (-65540) must be an integer from ${CLAIM_LIMITS.birthYearMin} to ${CLAIM_LIMITS.birthYearMax}`;
  }
  if (!(isTime(c.windowIndex) && c.windowIndex < MAX_DOMAIN)) return 'window index (-65541) must be an integer below 2^32';
  if (c.revocationEpoch !== undefined && !(isTime(c.revocationEpoch) && c.revocationEpoch <= MAX_REVOCATION_EPOCH)) {
    return `revocation epoch (-65542) must be an integer from 0 to ${MAX_REVOCATION_EPOCH}`;
  }
  return undefined;
}

const utf8 = new TextEncoder();

function isTextOfBytes(value: unknown, min: number, max: number): boolean {
  // UTF-8 is never shorter than UTF-16, so an over-long string is refused before encoding it.
  if (typeof value !== 'string' || value.length > max) return false;
  const bytes = utf8.encode(value).length;
  return bytes >= min && bytes <= max;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
