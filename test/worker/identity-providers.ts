// The real OpenID providers the Worker tests sign in at, started in Node (vitest.config.ts) before
// Miniflare, on free loopback ports, and handed to the Worker as bindings. Three instances of the
// dev provider (scripts/lib/dev-oidc-provider.ts):
// - trusted: the one OIDC_ISSUER names, with this Worker's client and a second client;
// - sharedKeys: signs with the trusted provider's keys but is its own issuer (a wrong `iss`);
// - untrusted: its own keys, claiming the trusted issuer's name (a provider the Worker does not trust).
import { randomBytes } from 'node:crypto';
import { type DevClient, startDevOidcProvider } from '../../scripts/lib/dev-oidc-provider.ts';

/** The harness's origin (test/worker/helpers.ts): the provider sends the browser back here. */
export const TEST_REDIRECT_URI = 'https://issuer.test/v1/auth/callback';
/** The staff sign-in's callback (the Worker's default beside the holders' one). */
export const TEST_STAFF_REDIRECT_URI = 'https://issuer.test/v1/auth/staff/callback';

export async function workerTestProviders(): Promise<Record<string, string>> {
  const client: DevClient = {
    clientId: 'tricolor-test',
    clientSecret: secret(),
    redirectUris: [TEST_REDIRECT_URI, TEST_STAFF_REDIRECT_URI],
  };
  const other: DevClient = {
    clientId: 'another-relying-party',
    clientSecret: secret(),
    redirectUris: [TEST_REDIRECT_URI, TEST_STAFF_REDIRECT_URI],
  };
  const trusted = await startDevOidcProvider({ port: 0, clients: [client, other], unref: true });
  const sharedKeys = await startDevOidcProvider({ port: 0, clients: [client], signingKeys: trusted.signingKeys, unref: true });
  const untrusted = await startDevOidcProvider({ port: 0, clients: [client], issuer: trusted.issuer, unref: true });
  return {
    OIDC_ISSUER: trusted.issuer,
    OIDC_CLIENT_ID: client.clientId,
    OIDC_CLIENT_SECRET: client.clientSecret,
    OIDC_REDIRECT_URI: TEST_REDIRECT_URI,
    OIDC_ID_TOKEN_ALG: 'ES256',
    TEST_OIDC_OTHER_CLIENT_ID: other.clientId,
    TEST_OIDC_OTHER_CLIENT_SECRET: other.clientSecret,
    TEST_OIDC_SHARED_KEYS_URL: sharedKeys.url,
    TEST_OIDC_UNTRUSTED_URL: untrusted.url,
  };
}

function secret(): string {
  return randomBytes(32).toString('base64url');
}
