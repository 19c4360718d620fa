// Browser tests' world: builds the PWA with a test root pinned, starts the real dev OpenID provider
// (in this Node process) and the real Worker on free loopback ports (the Worker in its own process
// group, with a temporary config, secrets and D1), applies the migrations, installs a trust list
// signed by the test root, and tears it all down afterwards.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDevOidcProvider } from '../../scripts/lib/dev-oidc-provider.ts';
import { applyMigrations, freeLoopbackPort, startWorker, writeWorkerConfig } from '../../scripts/lib/local-worker.ts';
import { signTrustList, toBase64Url, toHex } from '../../src/index.ts';
import { buildWeb } from '../../verifier-web/scripts/build-web.ts';
import { createWebTestSecrets } from './support/worker-secrets.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    webBaseUrl: string;
    webOperatorToken: string;
    webAuditorToken: string;
    webSigningSeed: string;
    webIssuer: string;
    /** The dev OpenID provider the Worker trusts. */
    webProviderUrl: string;
  }
}

const ISSUER = 'ZJ'; // wrangler.toml [vars] ISSUER

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'tricolor-web-'));
  const secrets = await createWebTestSecrets();
  const rootFile = join(dir, 'root-public.json');
  writeFileSync(rootFile, JSON.stringify({ publicKey: toBase64Url(secrets.root.publicKey), kid: toHex(secrets.root.kid) }));
  buildWeb(join(dir, 'dist'), rootFile);
  const port = await freeLoopbackPort();
  const redirectUri = `http://127.0.0.1:${port}/v1/auth/callback`;
  const client = {
    clientId: 'tricolor-web-test',
    clientSecret: randomBytes(32).toString('base64url'),
    redirectUris: [redirectUri, `http://127.0.0.1:${port}/v1/auth/staff/callback`],
  };
  const provider = await startDevOidcProvider({ port: 0, clients: [client] });
  const identityVars = {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: client.clientId,
    OIDC_CLIENT_SECRET: client.clientSecret,
    OIDC_REDIRECT_URI: redirectUri,
    OIDC_ID_TOKEN_ALG: 'ES256',
  };
  const config = writeWorkerConfig({ dir, assetsDir: join(dir, 'dist'), vars: { ...secrets.devVars, ...identityVars } });
  const persist = join(dir, 'state');
  applyMigrations(config, persist);
  const worker = await startWorker(config, persist, { port }).catch(async (e: unknown) => {
    await provider.close();
    throw e;
  });
  try {
    const now = Math.floor(Date.now() / 1000);
    const list = await signTrustList(
      {
        version: 1,
        issuedAt: now - 60,
        nextUpdate: now + 7 * 86400,
        issuer: ISSUER,
        maxTokenLifetime: 86400, // wrangler.toml TOKEN_LIFETIME_SECONDS
        keys: [{ kid: secrets.signing.kid, publicKey: secrets.signing.publicKey, state: 'active', validFrom: now - 3600 }],
      },
      secrets.root,
    );
    const installed = await fetch(`${worker.baseUrl}/v1/admin/trust-list`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${secrets.operatorToken}`, 'content-type': 'application/cose' },
      body: list as Uint8Array<ArrayBuffer>,
    });
    if (!installed.ok) throw new Error(`installing the test trust list failed: ${installed.status} ${await installed.text()}`);
  } catch (e) {
    await worker.stop();
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  project.provide('webBaseUrl', worker.baseUrl);
  project.provide('webOperatorToken', secrets.operatorToken);
  project.provide('webAuditorToken', secrets.auditorToken);
  project.provide('webSigningSeed', toBase64Url(secrets.signingSeed));
  project.provide('webIssuer', ISSUER);
  project.provide('webProviderUrl', provider.url);
  return async () => {
    await worker.stop();
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
