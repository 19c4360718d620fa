// What one app instance (one isolate in production) keeps between requests: the clock, and the
// small bounded caches. Everything here is a cache of D1 or of pure computation; losing it costs
// only a re-read.

import { FeedHeadCache } from './feed/head-cache.ts';
import { WindowDomainCache } from './feed/window-domains.ts';
import { ProviderMetadataCache } from './identity/provider.ts';
import { TokenIssuer } from './tokens/issue.ts';
import { TrustListCache } from './trust/trust-list.ts';
import { TUNABLES } from './tunables.ts';

export interface AppDeps {
  /** NumericDate seconds. Production uses Date.now; tests pin it. */
  now?: () => number;
  /** The Cache API cache for feed responses (caches.default in production); none when absent. */
  edgeCache?: Cache;
}

export interface AppState {
  now(): number;
  edgeCache: Cache | undefined;
  trust: TrustListCache;
  feedHead: FeedHeadCache;
  /** Each issuance window's domain, as fixed in D1 (worker/feed/window-domains.ts). */
  windowDomains: WindowDomainCache;
  tokens: TokenIssuer;
  /** The identity provider's discovery document and keys. */
  provider: ProviderMetadataCache;
}

export function systemNow(): number {
  return Math.floor(Date.now() / 1000);
}

export function createAppState(deps: AppDeps = {}): AppState {
  return {
    now: deps.now ?? systemNow,
    edgeCache: deps.edgeCache,
    trust: new TrustListCache(),
    feedHead: new FeedHeadCache(),
    windowDomains: new WindowDomainCache(),
    tokens: new TokenIssuer(TUNABLES.tokenCacheEntries),
    provider: new ProviderMetadataCache(),
  };
}
