// Drives the Worker's holder and operator API from Node, as a holder's phone and an operator would.
// Holders come from signing a generated dev identity in at the real dev provider.
import { signInDevIdentity } from '../../../scripts/lib/dev-sign-in.ts';
import { decodeBase45, decodeClaims, parseSign1, TOKEN_PREFIX, type TokenClaims } from '../../../src/index.ts';

export interface Enrolled {
  holderId: string;
  secret: string;
  token: string;
}

/** A fresh generated dev identity (scripts/lib/dev-identities.ts), so every test gets its own holder. */
export function uniqueDevIdentity(): string {
  return `gen-${crypto.randomUUID().slice(0, 13)}`;
}

/** Signs a new generated dev identity in (no declaration: green) and fetches its first token. */
export async function enrolGreenHolder(baseUrl: string): Promise<Enrolled> {
  const secret = await signInDevIdentity(fetch, baseUrl, uniqueDevIdentity(), {
    symptoms: false,
    contactWithCase: false,
    fromHighRiskArea: false,
  });
  const response = await fetch(`${baseUrl}/v1/holders/me/token`, { headers: { authorization: `Bearer ${secret}` } });
  if (!response.ok) throw new Error(`token after sign-in failed: ${response.status} ${await response.text()}`);
  const { holderId, token } = (await response.json()) as { holderId: string; token: string };
  return { holderId, secret, token };
}

export async function setHolderColor(
  baseUrl: string,
  operatorToken: string,
  holderId: string,
  color: 'green' | 'yellow' | 'red',
): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/admin/holders/${encodeURIComponent(holderId)}/status`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` },
    body: JSON.stringify({ color, reason: 'browser test' }),
  });
  if (!response.ok) throw new Error(`status change failed: ${response.status} ${await response.text()}`);
}

export async function currentToken(baseUrl: string, secret: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/holders/me/token`, { headers: { authorization: `Bearer ${secret}` } });
  if (!response.ok) throw new Error(`token fetch failed: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** The claims inside a token, read with the core, to know what the screen should show. */
export function claimsOf(token: string): TokenClaims {
  const decoded = decodeClaims(parseSign1(decodeBase45(token.slice(TOKEN_PREFIX.length))).payload);
  if (!decoded.ok) throw new Error(decoded.detail);
  return decoded.claims;
}
