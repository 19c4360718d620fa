// The trusted provider's metadata (OpenID Connect Discovery 1.0 §4) and its signing keys (JWKS),
// fetched on first use and kept per isolate. Discovery must name exactly the configured issuer
// (§4.3), so a look-alike document cannot redirect sign-in or key look-ups elsewhere.

import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import * as z from 'zod/mini';
import { DomainError } from '../domain-errors.ts';
import { isHttpUrl } from './config.ts';

export interface ProviderMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** jose's remote key set: refetches the JWKS when a token names an unknown kid (rate-limited by jose). */
  keys: JWTVerifyGetKey;
}

/** Re-read discovery this often; the JWKS follows kid changes on its own. */
const DISCOVERY_TTL_SECONDS = 3600;
const FETCH_TIMEOUT_MS = 5000;

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
});

export class ProviderMetadataCache {
  #entry: { issuer: string; fetchedAt: number; metadata: ProviderMetadata } | undefined;

  async get(issuer: string, now: number): Promise<ProviderMetadata> {
    const entry = this.#entry;
    if (entry && entry.issuer === issuer && now - entry.fetchedAt < DISCOVERY_TTL_SECONDS && now >= entry.fetchedAt) return entry.metadata;
    const metadata = await discover(issuer);
    this.#entry = { issuer, fetchedAt: now, metadata };
    return metadata;
  }
}

async function discover(issuer: string): Promise<ProviderMetadata> {
  let doc: z.infer<typeof discoverySchema>;
  try {
    const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`status ${res.status}`);
    doc = z.parse(discoverySchema, await res.json());
  } catch (err) {
    console.warn(`identity provider discovery failed (${err instanceof Error ? err.name : 'error'})`);
    throw unavailable();
  }
  const endpoints = [doc.authorization_endpoint, doc.token_endpoint, doc.jwks_uri];
  if (doc.issuer !== issuer || !endpoints.every((u) => isHttpUrl(u, isHttpUrl(issuer, false) === false))) {
    console.warn('identity provider discovery names another issuer or a non-https endpoint; refusing it');
    throw unavailable();
  }
  return {
    issuer: doc.issuer,
    authorizationEndpoint: doc.authorization_endpoint,
    tokenEndpoint: doc.token_endpoint,
    keys: createRemoteJWKSet(new URL(doc.jwks_uri), { timeoutDuration: FETCH_TIMEOUT_MS }),
  };
}

function unavailable(): DomainError {
  return new DomainError('provider_unavailable', 'The identity provider cannot be reached; try again shortly.', 60);
}
