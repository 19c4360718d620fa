// Drives the Worker's holder and operator API from Node, as a holder's phone and an operator would.
import { decodeBase45, decodeClaims, parseSign1, TOKEN_PREFIX, type TokenClaims } from '../../../src/index.ts';

let counter = 0;

export interface Enrolled {
  holderId: string;
  secret: string;
  token: string;
}

/** A random 18-character ID number, so every test gets its own holder. */
export function uniqueIdNumber(): string {
  counter += 1;
  return `T${Date.now().toString().slice(-9)}${String(counter).padStart(3, '0')}${Math.floor(Math.random() * 1e5)
    .toString()
    .padStart(5, '0')}`;
}

export async function enrolGreenHolder(baseUrl: string, name = '张三'): Promise<Enrolled> {
  const response = await fetch(`${baseUrl}/v1/holders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      idNumber: uniqueIdNumber(),
      declaration: { symptoms: false, contactWithCase: false, fromHighRiskArea: false },
    }),
  });
  if (response.status !== 201 && response.status !== 200) throw new Error(`enrol failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Enrolled;
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
