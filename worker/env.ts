// The Worker's bindings (docs/architecture.md "Worker environment") and the Hono context types.

import type { Operator } from './auth/operator.ts';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { HolderRow } from './db/schema.ts';
import type { AppState } from './state.ts';

export interface Env {
  DB: D1Database;
  /** The verifier PWA's static files (wrangler.toml [assets]); absent in unit tests. */
  ASSETS?: Fetcher;
  ISSUER: string;
  TIME_ZONE: string;
  TOKEN_LIFETIME_SECONDS: string;
  /** base64url of the 32-byte root public key; pins what the trust list in D1 must verify against. */
  TRUST_ROOT_PUBLIC_KEY: string;
  /** Secret. JSON {"<kid hex>": "<32-byte seed, base64url>"} for the next and active signing keys. */
  SIGNING_KEYS: string;
  /** Secret. base64url, at least 32 bytes: HMAC-SHA-256 key for ID numbers and phone numbers. */
  ID_HMAC_KEY: string;
  /** Secret. JSON [{name, role: "operator" | "auditor", sha256: "<hex>"}]. */
  OPERATOR_TOKENS: string;
  /** Optional JSON overriding parts of DEFAULT_POLICY (worker/config.ts documents the shape). */
  STATUS_POLICY?: string;
  /** Workers Rate Limiting (wrangler.toml [[ratelimits]]): enrolments per client address. worker/rate-limit.ts */
  ENROL_RATE_LIMIT?: RateLimit;
  /** Workers Rate Limiting: token fetches per holder. worker/rate-limit.ts */
  TOKEN_RATE_LIMIT?: RateLimit;
}

export interface AppVariables {
  state: AppState;
  config: Config;
  /** The primary: every write, and reads that must see them. */
  db: Db;
  /** Possibly a read replica (openReadDb), opened on first use: the read-only hot paths. */
  readDb: () => Db;
  now: number;
  operator: Operator;
  /** How the admin request was authenticated (worker/auth/staff-session.ts). */
  staffAuth: 'bearer' | 'session';
  holder: HolderRow;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
