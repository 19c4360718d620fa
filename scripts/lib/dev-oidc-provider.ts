// The dev identity provider: a real, certified OpenID Provider (oidc-provider) on loopback, with
// the dev identities of ./dev-identities.ts behind a plain sign-in form. `npm run dev` runs it in
// its own process group (scripts/dev-oidc.ts); the test suites start it in-process. It is never a
// production provider: HTTP only, keys made at start-up, sessions in memory.
// docs/identity.md "The dev provider" says what it serves and why.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';
import { DEV_IDENTITIES, DEV_PASSWORD, DEV_STAFF, devIdentity, devStaff } from './dev-identities.ts';

/** Discovery metadata field that marks this provider as the dev one (`npm run dev:enrol` checks it, ./dev-sign-in.ts). */
export const DEV_PROVIDER_MARKER = 'tricolor_dev_provider';
/** The custom scope and claim that carry the verified ID number (the Worker's defaults). */
export const ID_NUMBER_SCOPE = 'identity';
export const ID_NUMBER_CLAIM = 'id_number';
/** The scope and claim that carry a staff member's console role (the Worker's OIDC_STAFF_ROLE_CLAIM default). */
export const STAFF_SCOPE = 'staff';
export const STAFF_ROLE_CLAIM = 'tricolor_role';

export interface DevClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface DevProviderOptions {
  /** Loopback port; 0 picks a free one. */
  port: number;
  clients: DevClient[];
  /** Issuer to claim, when it must differ from the URL served (hostile tests only). */
  issuer?: string;
  /** Signing keys to reuse (private JWKs), when two providers must share them (hostile tests only). */
  signingKeys?: Record<string, unknown>[];
  /** ID token lifetime in seconds (default 600). */
  idTokenTtl?: number;
  /** Do not keep the Node process alive for this server (in-process use by a test runner). */
  unref?: boolean;
}

export interface RunningDevProvider {
  /** The issuer it claims (its own URL unless `issuer` was given). */
  issuer: string;
  /** Where it listens, e.g. http://127.0.0.1:8812 */
  url: string;
  signingKeys: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startDevOidcProvider(o: DevProviderOptions): Promise<RunningDevProvider> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', resolve);
  });
  if (o.unref) server.unref();
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : o.port}`;
  const issuer = o.issuer ?? url;
  const signingKeys = o.signingKeys ?? [await newSigningKey()];
  const provider = new Provider(issuer, {
    clients: o.clients.map(
      (c): ClientMetadata => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        redirect_uris: c.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      }),
    ),
    jwks: { keys: signingKeys as never },
    scopes: ['openid', 'profile', ID_NUMBER_SCOPE, STAFF_SCOPE],
    claims: { openid: ['sub'], profile: ['name', 'birthdate'], [ID_NUMBER_SCOPE]: [ID_NUMBER_CLAIM], [STAFF_SCOPE]: [STAFF_ROLE_CLAIM] },
    // The claims go in the ID token itself: the Worker reads nothing from userinfo.
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => {
      const staff = devStaff(id);
      if (staff) return { accountId: id, claims: () => ({ sub: id, name: staff.name, [STAFF_ROLE_CLAIM]: staff.role }) };
      const person = devIdentity(id);
      if (!person) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, name: person.name, birthdate: person.birthdate, [ID_NUMBER_CLAIM]: person.idNumber }),
      };
    },
    // First-party client: no consent screen, the grant covers what the Worker asks for.
    loadExistingGrant: async (ctx) => {
      const oidc = ctx.oidc;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client!.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope(`openid profile ${ID_NUMBER_SCOPE} ${STAFF_SCOPE}`);
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    cookies: { keys: [crypto.randomUUID()] },
    discovery: { [DEV_PROVIDER_MARKER]: true },
    ttl: { AuthorizationCode: 60, IdToken: o.idTokenTtl ?? 600, AccessToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p>`);
    },
  });
  const oidcHandler = provider.callback();
  server.on('request', (req, res) => {
    void handleInteraction(provider, req, res).then((handled) => {
      if (!handled) oidcHandler(req, res);
    });
  });
  return {
    issuer,
    url,
    signingKeys,
    close: () => closeServer(server),
  };
}

async function newSigningKey(): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: crypto.randomUUID().slice(0, 8) };
}

/** The sign-in form (GET) and its submission (POST); false for every other path. */
async function handleInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
  if (!match) return false;
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'POST' && match[2]) {
      const form = new URLSearchParams(await readBody(req));
      const login = form.get('login') ?? '';
      if (!(devIdentity(login) || devStaff(login)) || form.get('password') !== DEV_PASSWORD) {
        send(res, 401, signInPage(details.uid, 'Unknown dev identity or wrong password.'));
        return true;
      }
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return true;
    }
    send(res, 200, signInPage(details.uid));
  } catch {
    send(res, 400, page('Sign-in expired', '<p>This sign-in has expired. Go back to the wallet and start again.</p>'));
  }
  return true;
}

function signInPage(uid: string, problem?: string): string {
  const people = DEV_IDENTITIES.map((p) => `<li><code>${escapeHtml(p.login)}</code> ${escapeHtml(p.name)}, born ${p.birthdate}</li>`).join(
    '',
  );
  return page(
    'Dev identity provider',
    `${problem ? `<p role="alert" class="problem">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
  <label>Dev identity <input name="login" autocomplete="off" required autofocus></label>
  <label>Password <input name="password" type="password" required></label>
  <button type="submit">Sign in</button>
</form>
<p>Every dev identity's password is <code>${DEV_PASSWORD}</code>. Seeded identities:</p><ul>${people}</ul>
<p>Any <code>gen-&lt;name&gt;</code> also signs in, as a generated person.</p>
<p>Console staff (role claim <code>${STAFF_ROLE_CLAIM}</code>):</p><ul>${DEV_STAFF.map((p) => `<li><code>${escapeHtml(p.login)}</code> ${escapeHtml(p.name)}, ${escapeHtml(p.role)}</li>`).join('')}</ul>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title><style>body{font:16px system-ui;max-width:32rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0}input{display:block;font:inherit;padding:.4rem;width:100%}button{font:inherit;padding:.5rem 1.2rem}
.problem{color:#a40000}</style></head><body><h1>${escapeHtml(title)}</h1><p><strong>Development only:</strong> not a real-name provider.</p>${body}</body></html>`;
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 4096) req.destroy();
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
