// The Worker's bindings (docs/architecture.md "Worker environment") and the Hono context types.

import type { Operator } from './auth/operator.ts';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { HolderRow } from './db/schema.ts';
import type { Shard, Shards } from './shards/shards.ts';
import type { AppState } from './state.ts';

export interface Env {
  /** The home database, and a holder database unless SHARD_MAP says otherwise (docs/scale.md). */
  DB: D1Database;
  /** Further holder databases by convention (DB_1, DB_2, …); SHARD_MAP may name others. */
  [binding: `DB_${number}`]: D1Database | undefined;
  /** Which database holds which of the 1024 buckets (worker/shards/shard-map.ts); unset: DB, DB_1, … evenly. */
  SHARD_MAP?: string;
  /** The verifier PWA's static files (wrangler.toml [assets]); absent in unit tests. */
  ASSETS?: Fetcher;
  ISSUER: string;
  TIME_ZONE: string;
  TOKEN_LIFETIME_SECONDS: string;
  /** base64url of the 32-byte root public key; pins what the trust list in D1 must verify against. */
  TRUST_ROOT_PUBLIC_KEY: string;
  /** Secret. JSON {"<kid hex>": "<32-byte seed, base64url>"} for the next and active signing keys. */
  SIGNING_KEYS: string;
  /** Secret. base64url, at least 32 bytes: HMAC-SHA-256 key for ID numbers and holder secret tags. */
  ID_HMAC_KEY: string;
  /** Secret. base64url, at least 32 bytes: keys the tokens' window indices (docs/feed-privacy.md). */
  FEED_KEY: string;
  /** Secret. JSON array of earlier FEED_KEYs, kept while windows fixed with them are in the feed (about 30 h). */
  FEED_KEYS_RETIRED?: string;
  /** Room per bucket for enrolments during a window (default 1024; worker/config.ts WINDOW_HEADROOM). */
  WINDOW_HEADROOM_PER_BUCKET?: string;
  /** Secret. JSON [{name, role: "operator" | "auditor", sha256: "<hex>"}]. */
  OPERATOR_TOKENS: string;
  /** The trusted OpenID provider's issuer URL (docs/identity.md "Configuration"); unset: no sign-in. */
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  /** Secret. This Worker's client secret at the provider. */
  OIDC_CLIENT_SECRET?: string;
  /** Registered at the provider: this Worker's GET /v1/auth/callback. */
  OIDC_REDIRECT_URI?: string;
  /** The one JWS alg accepted on ID tokens (default RS256). */
  OIDC_ID_TOKEN_ALG?: string;
  OIDC_SCOPE?: string;
  OIDC_CLAIM_ID_NUMBER?: string;
  OIDC_CLAIM_NAME?: string;
  OIDC_CLAIM_BIRTHDATE?: string;
  /** Staff sign-in to the console (docs/console.md "Signing in"): where the provider sends staff back. */
  OIDC_STAFF_REDIRECT_URI?: string;
  OIDC_STAFF_SCOPE?: string;
  /** The ID token claim whose value is the staff role, `operator` or `auditor`. */
  OIDC_STAFF_ROLE_CLAIM?: string;
  /** "gb11643" (default) or "pattern:^...$" (worker/identity/id-number.ts). */
  ID_NUMBER_FORMAT?: string;
  /** Days the audit log and status events are kept (default 365; worker/config.ts). */
  AUDIT_RETENTION_DAYS?: string;
  /** Optional JSON overriding parts of DEFAULT_POLICY (worker/config.ts documents the shape). */
  STATUS_POLICY?: string;
  /** Workers Rate Limiting (wrangler.toml [[ratelimits]]): sign-in starts and callbacks per client address. worker/rate-limit.ts */
  ENROL_RATE_LIMIT?: RateLimit;
  /** Workers Rate Limiting: token fetches per holder. worker/rate-limit.ts */
  TOKEN_RATE_LIMIT?: RateLimit;
  /** Workers Rate Limiting: failed holder authentications per client address, charged before any D1 read. */
  HOLDER_AUTH_FAILURE_RATE_LIMIT?: RateLimit;
  /** GET /v1/revocations per client address (worker/rate-limit.ts). */
  FEED_RATE_LIMIT?: RateLimit;
  /** POST /v1/holders/me/checkins per holder. */
  CHECKIN_RATE_LIMIT?: RateLimit;
}

export interface AppVariables {
  state: AppState;
  config: Config;
  /** The home database's primary: the feed, trust lists, sign-ins, import records. */
  db: Db;
  /** The home database, possibly a read replica (openReadDb), opened on first use. */
  readDb: () => Db;
  /** Every holder database (worker/shards/shards.ts). */
  shards: Shards;
  /**
   * Marks a holder database whose outbox has new revocations: they are copied into the feed
   * before the response leaves (worker/feed/forward.ts).
   */
  noteRevocation: (shard: Shard) => void;
  now: number;
  operator: Operator;
  /** How the admin request was authenticated (worker/auth/staff-session.ts). */
  staffAuth: 'bearer' | 'session';
  holder: HolderRow;
  /** The authenticated holder's database. */
  holderShard: Shard;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
