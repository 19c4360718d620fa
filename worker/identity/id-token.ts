// ID token verification (OpenID Connect Core 1.0 §3.1.3.7) with jose: the header's alg must be
// the one configured (so "none" and HMAC-with-the-client-secret never get as far as a key), the
// signature must verify under the provider's JWKS, and iss, aud (and azp), exp, iat and nonce
// must match. Every failure is a stable reason code; the token itself is never echoed.

import { decodeProtectedHeader, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { constantTimeEqual } from '../../src/index.ts';

export type IdTokenReason =
  | 'id_token_malformed'
  | 'id_token_alg'
  | 'id_token_signature'
  | 'id_token_issuer'
  | 'id_token_audience'
  | 'id_token_expired'
  | 'id_token_issued_at'
  | 'id_token_nonce'
  | 'id_token_claims';

export interface IdTokenExpectations {
  keys: JWTVerifyGetKey;
  issuer: string;
  clientId: string;
  alg: string;
  nonce: string;
  /** NumericDate seconds. */
  now: number;
  claims: { idNumber: string; name: string; birthdate: string };
}

/** What the holder and the staff sign-in share: everything but the person's claims. */
export type IdTokenChecks = Omit<IdTokenExpectations, 'claims'>;
export type IdTokenPayloadResult = { ok: true; payload: JWTPayload } | { ok: false; reason: IdTokenReason };

export interface VerifiedPerson {
  /** As the provider asserted it; the caller checks the format (./id-number.ts). */
  idNumber: string;
  name: string;
  birthYear: number;
}

export type IdTokenResult = { ok: true; person: VerifiedPerson } | { ok: false; reason: IdTokenReason };

/** Clock skew allowed on exp and iat. */
const SKEW_SECONDS = 60;
/** An ID token older than this is refused even if its exp is later: the sign-in just happened. */
const MAX_AGE_SECONDS = 600;
const MAX_TOKEN_LENGTH = 16_384;

export async function verifyIdToken(token: string, x: IdTokenExpectations): Promise<IdTokenResult> {
  const verified = await verifyIdTokenPayload(token, x);
  if (!verified.ok) return verified;
  const { payload } = verified;
  const idNumber = payload[x.claims.idNumber];
  const name = payload[x.claims.name];
  const birthYear = birthYearOf(payload[x.claims.birthdate]);
  if (typeof idNumber !== 'string' || typeof name !== 'string' || name.trim() === '' || birthYear === undefined)
    return fail('id_token_claims');
  return { ok: true, person: { idNumber, name, birthYear } };
}

/** Signature, alg, iss, aud/azp, exp, iat and nonce (§3.1.3.7); the caller reads its own claims. */
export async function verifyIdTokenPayload(token: string, x: IdTokenChecks): Promise<IdTokenPayloadResult> {
  if (token.length > MAX_TOKEN_LENGTH) return fail('id_token_malformed');
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return fail('id_token_malformed');
  }
  if (alg !== x.alg) return fail('id_token_alg');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, x.keys, {
      algorithms: [x.alg],
      issuer: x.issuer,
      audience: x.clientId,
      currentDate: new Date(x.now * 1000),
      clockTolerance: SKEW_SECONDS,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'nonce'],
    }));
  } catch (err) {
    return fail(reasonOf(err));
  }
  // §3.1.3.7 item 3-5: several audiences need azp, and then azp must be us.
  if (Array.isArray(payload.aud) && (payload.aud.length > 1 || payload.azp !== undefined) && payload.azp !== x.clientId)
    return fail('id_token_audience');
  const iat = payload.iat!;
  if (iat > x.now + SKEW_SECONDS || iat < x.now - MAX_AGE_SECONDS) return fail('id_token_issued_at');
  const nonce = payload.nonce;
  if (typeof nonce !== 'string' || !sameText(nonce, x.nonce)) return fail('id_token_nonce');
  return { ok: true, payload };
}

function reasonOf(err: unknown): IdTokenReason {
  if (err instanceof errors.JWTExpired) return 'id_token_expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'id_token_issuer';
    if (err.claim === 'aud') return 'id_token_audience';
    if (err.claim === 'iat' || err.claim === 'nbf') return 'id_token_issued_at';
    return 'id_token_claims';
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'id_token_alg';
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) return 'id_token_signature';
  return 'id_token_malformed';
}

/** OpenID Connect Core §5.1 birthdate: "YYYY-MM-DD" or "YYYY" ("0000" meaning withheld is refused). */
function birthYearOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})(-\d{2}-\d{2})?$/.exec(value);
  const year = match ? Number(match[1]) : 0;
  return year >= 1900 && year <= 2999 ? year : undefined;
}

function sameText(a: string, b: string): boolean {
  const enc = new TextEncoder();
  return constantTimeEqual(enc.encode(a), enc.encode(b));
}

function fail(reason: IdTokenReason): { ok: false; reason: IdTokenReason } {
  return { ok: false, reason };
}
