// verifyToken: the token pipeline, one step per row of docs/token-format.md "Verification order".
// The PWA and the Worker's tests use it; the COSE_Sign1 steps it shares with the trust list and the
// feed are in sign1.ts. Every outcome is a typed result; hostile input can only produce a reason code.

import { Base45Error, decodeBase45 } from './base45.ts';
import type { CborLimits } from './cbor.ts';
import { decodeClaims, type TokenClaims } from './claims.ts';
import { CoseError, type ParsedSign1, parseSign1 } from './cose.ts';
import type { Ed25519Backend } from './ed25519.ts';
import type { ReasonCode } from './reasons.ts';
import { checkSign1Header, keyWindowContains, lookupKey, verifySign1Signature } from './sign1.ts';
import type { TrustedKey } from './signing-keys.ts';
import { isWindowIndexRevoked, type WindowStatusSets } from './status-sets.ts';
import { TOKEN_PREFIX } from './token.ts';
import { windowOf } from './window-pseudonym.ts';

/** Longest QR text accepted; a real token is about 200 characters. Checked before any decoding. */
export const MAX_TOKEN_TEXT_LENGTH = 1000;
export const DEFAULT_SKEW_SECONDS = 300;
// docs/token-format.md "Decoding limits": a COSE_Sign1 token is a tag around a four-item array
// holding the unprotected map, so three levels of containers; 16 items leave room for a
// (forbidden) unprotected header to be reported by the header checks rather than as bad CBOR.
const TOKEN_CBOR_LIMITS: CborLimits = { maxDepth: 3, maxItems: 16, maxStringBytes: MAX_TOKEN_TEXT_LENGTH };

export interface VerifyContext {
  keys: readonly TrustedKey[];
  /** The revoked window indices the verifier holds (RevocationState.sets, docs/revocation-feed.md). */
  revocations?: WindowStatusSets;
  /** The verifier's clock, NumericDate seconds (not milliseconds). */
  now: number;
  skewSeconds?: number;
  /**
   * The trust list's maxTokenLifetime (docs/trust-list.md): a token whose exp - iat exceeds it
   * would outlive the revocation entries that can cancel it, so it is refused.
   */
  maxTokenLifetime?: number;
  /** Defaults to WebCrypto when the runtime has Ed25519, else @noble/ed25519. */
  backend?: Ed25519Backend;
}

export type VerifyResult =
  | { ok: true; claims: TokenClaims; key: TrustedKey }
  | {
      ok: false;
      reason: ReasonCode;
      detail: string;
      /** Present once the signature has verified, so a UI can say whose code expired. */
      claims?: TokenClaims;
    };

export async function verifyToken(text: string, context: VerifyContext): Promise<VerifyResult> {
  assertClock(context.now);
  try {
    return await verifyTokenUnchecked(text, context);
  } catch (e) {
    // Defence in depth: every known failure returns a reason above; anything else still must not
    // throw, and an unverified code is reported as not verified.
    return { ok: false, reason: 'bad_signature', detail: `verification failed: ${e instanceof Error ? e.name : 'error'}` };
  }
}

async function verifyTokenUnchecked(text: string, context: VerifyContext): Promise<VerifyResult> {
  if (typeof text !== 'string') return fail('malformed_prefix', 'input is not text');
  // 1-2: size and prefix, before any decoding.
  if (text.length > MAX_TOKEN_TEXT_LENGTH) return fail('input_too_large', `${text.length} characters; at most ${MAX_TOKEN_TEXT_LENGTH}`);
  if (!text.startsWith(TOKEN_PREFIX)) {
    return fail(
      'malformed_prefix',
      text.startsWith('HC1:') ? 'an EU DCC (HC1) certificate, not a Tricolor code' : `expected prefix ${TOKEN_PREFIX}`,
    );
  }
  // 3
  let bytes: Uint8Array;
  try {
    bytes = decodeBase45(text.slice(TOKEN_PREFIX.length));
  } catch (e) {
    return fail('bad_base45', e instanceof Base45Error ? e.message : 'undecodable');
  }
  // 4-5: the outer CBOR and the COSE_Sign1 shape.
  let parsed: ParsedSign1;
  try {
    parsed = parseSign1(bytes, TOKEN_CBOR_LIMITS);
  } catch (e) {
    if (e instanceof CoseError) return fail(e.kind, e.message);
    throw e;
  }
  // 6-7
  const header = checkSign1Header(parsed, undefined);
  if (!header.ok) return header;
  // 8-9
  const found = lookupKey(context.keys, header.kid);
  if (!found.ok) return found;
  const key = found.key;

  // 10: the signature, before anything in the payload is believed.
  if (!(await verifySign1Signature(parsed, key, context.backend))) return fail('bad_signature', 'Ed25519 signature does not verify');

  // 11
  const decoded = decodeClaims(parsed.payload);
  if (!decoded.ok) return decoded;
  const claims = decoded.claims;
  // 12
  if (!keyWindowContains(key, claims.iat)) {
    return { ok: false, reason: 'key_not_valid_at_iat', detail: `iat ${claims.iat} is outside the key's signing window`, claims };
  }
  // 12b: the trust list's lifetime cap
  if (context.maxTokenLifetime !== undefined && claims.exp - claims.iat > context.maxTokenLifetime) {
    const detail = `valid for ${claims.exp - claims.iat} s; the trust list allows at most ${context.maxTokenLifetime} s`;
    return { ok: false, reason: 'lifetime_too_long', detail, claims };
  }
  // 13-14
  const skew = context.skewSeconds ?? DEFAULT_SKEW_SECONDS;
  const notBefore = Math.max(claims.iat, claims.nbf ?? 0);
  if (context.now + skew < notBefore) return { ok: false, reason: 'not_yet_valid', detail: `valid from ${notBefore}`, claims };
  if (context.now - skew >= claims.exp) return { ok: false, reason: 'expired', detail: `expired at ${claims.exp}`, claims };
  // 15: the token's index in the feed's set for its window and epoch (docs/feed-privacy.md).
  const window = windowOf(claims.iat);
  const epoch = claims.revocationEpoch ?? 0;
  if (context.revocations && isWindowIndexRevoked(context.revocations, window, epoch, claims.windowIndex)) {
    const detail = `index ${claims.windowIndex} of window ${window}, epoch ${epoch} is in the revocation feed`;
    return { ok: false, reason: 'token_revoked', detail, claims };
  }
  return { ok: true, claims, key };
}

function fail(reason: ReasonCode, detail: string): VerifyResult {
  return { ok: false, reason, detail };
}

export function assertClock(now: number): void {
  // Misuse, not hostile input, so it throws: a millisecond clock would make every code look
  // like it was issued in 1970 and expired long ago.
  if (!Number.isFinite(now) || now < 0 || now > 1e11) throw new TypeError('context.now must be NumericDate seconds');
}
