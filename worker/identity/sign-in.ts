// The authorization code flow with PKCE, state and nonce (OpenID Connect Core 1.0 §3.1; RFC 7636),
// with this Worker as the confidential client (docs/identity.md "Why the Worker is the client").
// start: a single-use sign_ins row keyed by SHA-256(state) holds the nonce, the PKCE verifier and
// the declaration; the browser carries the state in an HttpOnly cookie. finish: the row is
// consumed (deleted) before anything else, the code is exchanged at the token endpoint with the
// client secret, and the ID token verified (./id-token.ts).

import { eq, lt } from 'drizzle-orm';
import { type Declaration, toBase64Url } from '../../src/index.ts';
import { sha256 } from '../crypto.ts';
import type { Db } from '../db/client.ts';
import { signIns } from '../db/schema.ts';
import type { IdentityConfig } from './config.ts';
import { type IdTokenReason, type VerifiedPerson, verifyIdToken } from './id-token.ts';
import type { ProviderMetadata } from './provider.ts';
import { type StaffTokenReason, type VerifiedStaff, verifyStaffIdToken } from './staff.ts';

/** A sign-in must come back within this long (the provider's own interaction lasts about as long). */
export const SIGN_IN_TTL_SECONDS = 600;

export type SignInFailure =
  | IdTokenReason
  | StaffTokenReason
  | 'state_mismatch'
  | 'sign_in_expired'
  | 'provider_refused'
  | 'issuer_mismatch'
  | 'token_exchange_failed'
  | 'id_number_invalid';

/**
 * Stored in place of the declaration for a staff sign-in (docs/console.md "Signing in"), so a
 * state started for one flow is refused by the other's callback.
 */
export const STAFF_SIGN_IN = 'staff';
export type SignInPurpose = Declaration | typeof STAFF_SIGN_IN;

export class SignInError extends Error {
  override name = 'SignInError';
  readonly reason: SignInFailure;
  constructor(reason: SignInFailure) {
    super(reason);
    this.reason = reason;
  }
}

export interface StartedSignIn {
  state: string;
  authorizeUrl: string;
}

export async function startSignIn(
  db: Db,
  idc: IdentityConfig,
  provider: ProviderMetadata,
  now: number,
  purpose: SignInPurpose,
): Promise<StartedSignIn> {
  const staff = purpose === STAFF_SIGN_IN;
  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = randomToken();
  // Expired rows of abandoned sign-ins go here, bounded by the index on expires_at.
  await db.batch([
    db.delete(signIns).where(lt(signIns.expiresAt, now)),
    db.insert(signIns).values({
      stateHash: await sha256(state),
      nonce,
      codeVerifier,
      declaration: JSON.stringify(purpose),
      createdAt: now,
      expiresAt: now + SIGN_IN_TTL_SECONDS,
    }),
  ]);
  const url = new URL(provider.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: idc.clientId,
    redirect_uri: staff ? idc.staff.redirectUri : idc.redirectUri,
    scope: staff ? idc.staff.scope : idc.scope,
    state,
    nonce,
    code_challenge: toBase64Url(await sha256(codeVerifier)),
    code_challenge_method: 'S256',
  }).toString();
  return { state, authorizeUrl: url.toString() };
}

export interface PendingSignIn {
  nonce: string;
  codeVerifier: string;
  declaration: Declaration;
}

export interface PendingStaffSignIn {
  nonce: string;
  codeVerifier: string;
}

/** consumeSignIn for the staff flow: a holder's state is refused as a state mismatch. */
export async function consumeStaffSignIn(db: Db, state: string, now: number): Promise<PendingStaffSignIn> {
  const { nonce, codeVerifier, purpose } = await consumeRow(db, state, now);
  if (purpose !== STAFF_SIGN_IN) throw new SignInError('state_mismatch');
  return { nonce, codeVerifier };
}

/** Deletes and returns the sign-in for this state: a second callback with it finds nothing. */
export async function consumeSignIn(db: Db, state: string, now: number): Promise<PendingSignIn> {
  const { nonce, codeVerifier, purpose } = await consumeRow(db, state, now);
  if (purpose === STAFF_SIGN_IN) throw new SignInError('state_mismatch');
  return { nonce, codeVerifier, declaration: purpose };
}

async function consumeRow(db: Db, state: string, now: number): Promise<{ nonce: string; codeVerifier: string; purpose: SignInPurpose }> {
  const row = await db
    .delete(signIns)
    .where(eq(signIns.stateHash, await sha256(state)))
    .returning()
    .get();
  if (!row || row.expiresAt < now) throw new SignInError('sign_in_expired');
  return { nonce: row.nonce, codeVerifier: row.codeVerifier, purpose: JSON.parse(row.declaration) as SignInPurpose };
}

/** Exchanges the code (client_secret_basic, RFC 6749 §2.3.1) and verifies the ID token it returns. */
export async function redeemCode(
  idc: IdentityConfig,
  provider: ProviderMetadata,
  code: string,
  pending: PendingSignIn,
  now: number,
): Promise<VerifiedPerson> {
  const idToken = await exchangeCode(idc, provider, code, pending.codeVerifier, idc.redirectUri);
  const verified = await verifyIdToken(idToken, {
    keys: provider.keys,
    issuer: idc.issuer,
    clientId: idc.clientId,
    alg: idc.alg,
    nonce: pending.nonce,
    now,
    claims: idc.claims,
  });
  if (!verified.ok) throw new SignInError(verified.reason);
  return verified.person;
}

/** The staff flow's exchange: the same ID token checks, then the role claim (./staff.ts). */
export async function redeemStaffCode(
  idc: IdentityConfig,
  provider: ProviderMetadata,
  code: string,
  pending: PendingStaffSignIn,
  now: number,
): Promise<VerifiedStaff> {
  const idToken = await exchangeCode(idc, provider, code, pending.codeVerifier, idc.staff.redirectUri);
  const verified = await verifyStaffIdToken(idToken, {
    keys: provider.keys,
    issuer: idc.issuer,
    clientId: idc.clientId,
    alg: idc.alg,
    nonce: pending.nonce,
    now,
    roleClaim: idc.staff.roleClaim,
    nameClaim: idc.claims.name,
  });
  if (!verified.ok) throw new SignInError(verified.reason);
  return verified.staff;
}

async function exchangeCode(
  idc: IdentityConfig,
  provider: ProviderMetadata,
  code: string,
  codeVerifier: string,
  redirectUri: string,
): Promise<string> {
  const basic = btoa(`${encodeURIComponent(idc.clientId)}:${encodeURIComponent(idc.clientSecret)}`);
  let idToken: unknown;
  try {
    const res = await fetch(provider.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier }),
      signal: AbortSignal.timeout(5000),
    });
    idToken = res.ok ? ((await res.json()) as { id_token?: unknown }).id_token : undefined;
    if (!res.ok) await res.body?.cancel();
  } catch {
    idToken = undefined;
  }
  if (typeof idToken !== 'string') throw new SignInError('token_exchange_failed');
  return idToken;
}

function randomToken(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}
