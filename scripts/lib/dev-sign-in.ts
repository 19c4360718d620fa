// Signs a dev identity in over plain HTTP, exactly as a browser would but without one: the
// Worker's /v1/auth/start, the dev provider's sign-in form, and back to /v1/auth/callback.
// Runtime-neutral (fetch and URL only), so `npm run dev:enrol`, the bench and the Worker tests
// inside workerd all drive the same steps. Dev environment only (docs/identity.md).

import { DEV_PASSWORD } from './dev-identities.ts';

export type Fetcher = (request: Request) => Promise<Response>;

export interface Declaration {
  symptoms: boolean;
  contactWithCase: boolean;
  fromHighRiskArea: boolean;
}

/** Cookie name/value pairs kept across requests to one server (paths are not tracked: dev only). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.#cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }
  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface SignInStart {
  /** The provider's authorization URL the Worker redirected to. */
  authorizeUrl: string;
  /** The Worker's cookies (the login binding). */
  workerJar: CookieJar;
}

/** POST /v1/auth/start with the declaration, as the wallet's form does. */
export async function beginSignIn(worker: Fetcher, workerUrl: string, declaration: Declaration): Promise<SignInStart> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(declaration)) if (v) form.set(k, 'on');
  const res = await worker(
    new Request(`${workerUrl}/v1/auth/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    }),
  );
  const location = res.headers.get('location');
  if (res.status !== 303 || !location) throw new Error(`sign-in start: ${res.status} ${await res.text()}`);
  const workerJar = new CookieJar();
  workerJar.take(res);
  return { authorizeUrl: location, workerJar };
}

/**
 * Follows the provider's redirects, signs in at its form, and returns the URL it sends the
 * browser back to (the client's redirect URI with code and state, or with an error).
 */
export async function signInAtProvider(authorizeUrl: string, login: string, password = DEV_PASSWORD): Promise<string> {
  const jar = new CookieJar();
  const origin = new URL(authorizeUrl).origin;
  let url = authorizeUrl;
  let posted = false;
  for (let hop = 0; hop < 10; hop++) {
    if (!url.startsWith(origin)) return url; // left the provider: back at the client
    const interaction = /\/interaction\/([\w-]+)$/.exec(new URL(url).pathname);
    let res: Response;
    if (interaction && !posted) {
      posted = true;
      res = await fetch(`${url}/login`, {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login, password }).toString(),
        redirect: 'manual',
      });
    } else {
      res = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' });
    }
    jar.take(res);
    const next = res.headers.get('location');
    if (!next) {
      await res.body?.cancel();
      throw new Error(res.status === 401 ? 'unknown dev identity or wrong password' : `dev provider answered ${res.status}`);
    }
    await res.body?.cancel();
    url = new URL(next, url).toString();
  }
  throw new Error('dev provider: too many redirects');
}

/** GET the callback URL at the Worker with its login cookie; returns the Worker's answer. */
export function finishSignIn(worker: Fetcher, callbackUrl: string, workerJar: CookieJar): Promise<Response> {
  return worker(new Request(callbackUrl, { headers: { cookie: workerJar.header() }, redirect: 'manual' }));
}

/** The holder secret the Worker set as its HttpOnly cookie (tc_holder), if it did. */
export function holderSecretFrom(callback: Response): string | undefined {
  const jar = new CookieJar();
  jar.take(callback);
  return jar.get('tc_holder');
}

/** POST /v1/auth/staff/start, as the console's sign-in form does (no fields). */
export async function beginStaffSignIn(worker: Fetcher, workerUrl: string): Promise<SignInStart> {
  const res = await worker(
    new Request(`${workerUrl}/v1/auth/staff/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    }),
  );
  const location = res.headers.get('location');
  if (res.status !== 303 || !location) throw new Error(`staff sign-in start: ${res.status} ${await res.text()}`);
  const workerJar = new CookieJar();
  workerJar.take(res);
  return { authorizeUrl: location, workerJar };
}

/** The whole flow; returns the holder secret, or throws with the Worker's reason code. */
export async function signInDevIdentity(worker: Fetcher, workerUrl: string, login: string, declaration: Declaration): Promise<string> {
  const start = await beginSignIn(worker, workerUrl, declaration);
  const back = await signInAtProvider(start.authorizeUrl, login);
  const callback = await finishSignIn(worker, back, start.workerJar);
  const secret = holderSecretFrom(callback);
  if (!secret) throw new Error(`sign-in refused: ${callback.status} ${callback.headers.get('location') ?? ''}`);
  return secret;
}

/** The marker the dev provider's discovery document carries (scripts/lib/dev-oidc-provider.ts). */
const DEV_PROVIDER_MARKER = 'tricolor_dev_provider';

/**
 * Why `authorizeUrl` is not the Tricolor dev provider, or undefined when it is: plain HTTP on
 * loopback, and a discovery document carrying the dev marker. `npm run dev:enrol` signs in only there.
 */
export async function notDevProvider(authorizeUrl: string): Promise<string | undefined> {
  const provider = new URL(authorizeUrl);
  if (provider.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(provider.hostname))
    return `${provider.origin} is not plain HTTP on loopback`;
  const discovery = (await fetch(`${provider.origin}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) })
    .then((r) => r.json())
    .catch(() => ({}))) as Record<string, unknown>;
  return discovery[DEV_PROVIDER_MARKER] === true ? undefined : `${provider.origin} does not say it is the Tricolor dev provider`;
}

export interface RawClient {
  /** Where the provider listens (not necessarily the issuer it claims). */
  providerUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/**
 * An ID token straight from the provider's token endpoint, for a client of the caller's choosing
 * (authorization code flow with PKCE, RFC 7636): the raw material of the hostile-token tests.
 */
export async function devIdToken(client: RawClient, login: string, nonce: string, scope = 'openid profile identity'): Promise<string> {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const authorize = new URL(`${client.providerUrl}/auth`);
  authorize.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    redirect_uri: client.redirectUri,
    scope,
    state: 'raw',
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const back = new URL(await signInAtProvider(authorize.toString(), login));
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code: ${back.search}`);
  const res = await fetch(`${client.providerUrl}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${btoa(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`)}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    }).toString(),
  });
  const body = (await res.json()) as { id_token?: string };
  if (!body.id_token) throw new Error(`token endpoint: ${res.status} ${JSON.stringify(body)}`);
  return body.id_token;
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}
