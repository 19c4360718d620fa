// The identity provider a deployment trusts (docs/identity.md "Configuration"): its issuer, this
// Worker's client registration, the one ID token algorithm accepted, and which claims carry the
// verified ID number, name and birth date. Parsed once per env with the rest of worker/config.ts.

import { STAFF_SIGN_IN_CALLBACK_PATH } from '../../src/index.ts';
import type { Env } from '../env.ts';

export interface IdentityConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registered at the provider; the provider sends the browser back here (GET /v1/auth/callback). */
  redirectUri: string;
  /** The only JWS alg accepted on ID tokens (never "none"). */
  alg: string;
  scope: string;
  claims: { idNumber: string; name: string; birthdate: string };
  /** Staff sign-in to the console with the same provider and client (docs/console.md "Signing in"). */
  staff: StaffIdentityConfig;
}

export interface StaffIdentityConfig {
  /** Registered at the provider beside the holders' one (GET /v1/auth/staff/callback). */
  redirectUri: string;
  scope: string;
  /** The claim that carries `operator` or `auditor`; the name comes from the holders' name claim. */
  roleClaim: string;
}

/** Asymmetric JWS algorithms (RFC 7518 §3.1, RFC 8037): HMAC with the client secret is not accepted. */
const ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);
const CLAIM_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

/**
 * Undefined when no provider is configured (OIDC_ISSUER unset): sign-in then answers 503
 * `sign_in_unavailable` and the rest of the Worker runs. A partial configuration is an error.
 */
export function parseIdentityConfig(env: Env, misconfigured: (name: string, problem: string) => Error): IdentityConfig | undefined {
  if (!env.OIDC_ISSUER) return undefined;
  const need = (name: 'OIDC_CLIENT_ID' | 'OIDC_CLIENT_SECRET' | 'OIDC_REDIRECT_URI'): string => {
    const value = env[name];
    if (!value) throw misconfigured(name, 'is not set (OIDC_ISSUER is)');
    return value;
  };
  const issuer = env.OIDC_ISSUER;
  if (!isHttpUrl(issuer, true)) throw misconfigured('OIDC_ISSUER', 'must be an https URL (http only on loopback)');
  const redirectUri = need('OIDC_REDIRECT_URI');
  if (!isHttpUrl(redirectUri, true)) throw misconfigured('OIDC_REDIRECT_URI', 'must be an https URL (http only on loopback)');
  const alg = env.OIDC_ID_TOKEN_ALG ?? 'RS256';
  if (!ALGS.has(alg)) throw misconfigured('OIDC_ID_TOKEN_ALG', 'must be an asymmetric JWS algorithm such as RS256 or ES256');
  const claims = {
    idNumber: env.OIDC_CLAIM_ID_NUMBER ?? 'id_number',
    name: env.OIDC_CLAIM_NAME ?? 'name',
    birthdate: env.OIDC_CLAIM_BIRTHDATE ?? 'birthdate',
  };
  for (const [key, value] of Object.entries(claims))
    if (!CLAIM_NAME.test(value)) throw misconfigured(`OIDC_CLAIM_${key}`, 'is not a claim name');
  const clientSecret = need('OIDC_CLIENT_SECRET');
  // Same origin as the holders' callback unless set: one client registration covers both.
  const staffRedirectUri = env.OIDC_STAFF_REDIRECT_URI ?? new URL(STAFF_SIGN_IN_CALLBACK_PATH, redirectUri).toString();
  if (!isHttpUrl(staffRedirectUri, true)) throw misconfigured('OIDC_STAFF_REDIRECT_URI', 'must be an https URL (http only on loopback)');
  const roleClaim = env.OIDC_STAFF_ROLE_CLAIM ?? 'tricolor_role';
  if (!CLAIM_NAME.test(roleClaim)) throw misconfigured('OIDC_STAFF_ROLE_CLAIM', 'is not a claim name');
  return {
    issuer,
    clientId: need('OIDC_CLIENT_ID'),
    clientSecret,
    redirectUri,
    alg,
    scope: env.OIDC_SCOPE ?? 'openid profile identity',
    claims,
    staff: { redirectUri: staffRedirectUri, scope: env.OIDC_STAFF_SCOPE ?? 'openid profile staff', roleClaim },
  };
}

/** https, or http on a loopback host (the dev provider). */
export function isHttpUrl(raw: string, allowLoopbackHttp: boolean): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return allowLoopbackHttp && url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
