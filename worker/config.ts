// Parses the Worker's environment once per env object into a typed Config: the status policy
// (src/status-rules.ts DEFAULT_POLICY, overridable by STATUS_POLICY and TIME_ZONE), the token
// lifetime, key material and operator token hashes. Operational tunables are in ./tunables.ts.
// A malformed variable is reported by name, never by value.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import * as z from 'zod/mini';
import { assertTimeZone, DEFAULT_POLICY, FEVER_THRESHOLD_CELSIUS, fromBase64Url, fromHex, type StatusPolicy, toHex } from '../src/index.ts';
import { DomainError } from './domain-errors.ts';
import type { Env } from './env.ts';
import { type IdentityConfig, parseIdentityConfig } from './identity/config.ts';
import { type IdNumberRule, parseIdNumberRule } from './identity/id-number.ts';
import { plainMessage } from './issue-text.ts';

export type Role = 'operator' | 'auditor';

export interface FeedKeys {
  /** The key id a window fixed now records (window_domains.key_id). */
  activeId: string;
  /** Key id → key, the active one included. */
  byId: ReadonlyMap<string, Uint8Array>;
}

export interface OperatorEntry {
  name: string;
  role: Role;
  /** SHA-256 of the operator's bearer token (32 bytes). */
  sha256: Uint8Array;
}

export interface Config {
  issuer: string;
  tokenLifetimeSeconds: number;
  policy: StatusPolicy;
  rootPublicKey: Uint8Array;
  /** kid hex -> 32-byte seed, for the next and active signing keys. */
  signingSeeds: ReadonlyMap<string, Uint8Array>;
  idHmacKey: Uint8Array;
  /**
   * The keys of the window-index permutations (docs/feed-privacy.md): FEED_KEY is the one new
   * windows take; FEED_KEYS_RETIRED holds the ones windows still in the feed were fixed with.
   */
  feedKeys: FeedKeys;
  /**
   * Dense numbers per bucket a window's domain leaves for holders enrolled during the window
   * (worker/feed/window-domains.ts); WINDOW_HEADROOM_PER_BUCKET, default WINDOW_HEADROOM.default.
   */
  windowHeadroomPerBucket: number;
  operators: readonly OperatorEntry[];
  /**
   * What a valid ID number is (ID_NUMBER_FORMAT, docs/identity.md "ID numbers"): sign-in and the
   * import of key people both apply it, so a listed number can be one a person could sign in with.
   */
  idNumberRule: IdNumberRule;
  /** The trusted OpenID provider; undefined when sign-in is not configured. */
  identity: IdentityConfig | undefined;
  /** Days audit rows and status events are kept (docs/operations.md "What is kept, and for how long"). */
  auditRetentionDays: number;
}

/**
 * AUDIT_RETENTION_DAYS bounds. At least 90 days: an appeal of a status or a complaint about a lookup
 * must still find its record. At most ten years: the log must not become a permanent record of
 * people.
 */
export const AUDIT_RETENTION_DAYS = { default: 365, min: 90, max: 3650 } as const;

/**
 * WINDOW_HEADROOM_PER_BUCKET bounds. The default, 1024 per bucket, leaves a window room for about
 * a million enrolments (1024 × 1024 buckets); 2.3 million a day (docs/scale.md) are 575 000 per
 * 6-hour window, 562 per bucket on average and about 640 in the fullest of 1024 buckets (the mean
 * plus 3.3 standard deviations), so a day of enrolments at 1.6 times the seed's pace still gets
 * codes in the window it enrols in. At 70 M holders the headroom is 1.5 % of the domain
 * (0.02 bits per listed index).
 */
export const WINDOW_HEADROOM = { default: 1024, min: 1, max: 65_536 } as const;

const color = z.enum(['green', 'yellow', 'red']);
const days = z.int().check(z.gte(0), z.lte(60));
// At least one day: a status must not end the instant it begins.
const isolationDays = z.int().check(z.gte(1), z.lte(60));
const policyOverride = z.partial(
  z.strictObject({
    isolationDays: z.partial(z.object({ red: isolationDays, yellow: isolationDays })),
    requiredCheckins: z.partial(z.object({ red: days, yellow: days })),
    feverThresholdCelsius: z.number().check(z.gte(FEVER_THRESHOLD_CELSIUS.min), z.lte(FEVER_THRESHOLD_CELSIUS.max)),
    declaration: z.partial(z.object({ contactWithCase: color, symptoms: color, fromHighRiskArea: color })),
    symptomaticCheckinOnGreen: color,
    maxExposureAgeDays: z.int().check(z.gte(1), z.lte(60)),
  }),
);

const operatorList = z.array(
  z.strictObject({
    name: z.string().check(z.minLength(1), z.maxLength(64)),
    role: z.enum(['operator', 'auditor']),
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/i)),
  }),
);

const cache = new WeakMap<Env, Config>();

export function configFor(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env);
    cache.set(env, config);
  }
  return config;
}

export function parseConfig(env: Env): Config {
  const issuer = required(env, 'ISSUER');
  if (issuer.length > 16) throw misconfigured('ISSUER', 'must be 1-16 characters');
  const lifetime = Number(env.TOKEN_LIFETIME_SECONDS ?? '86400');
  // The feed packs revokedBefore as a 24-bit offset (about 194 days), and a token must outlive
  // its issuance window of a quarter lifetime by a useful margin.
  if (!Number.isSafeInteger(lifetime) || lifetime < 600 || lifetime > 30 * 86400)
    throw misconfigured('TOKEN_LIFETIME_SECONDS', 'must be an integer from 600 to 2592000');
  return {
    issuer,
    tokenLifetimeSeconds: lifetime,
    policy: parsePolicy(env),
    rootPublicKey: bytesOf('TRUST_ROOT_PUBLIC_KEY', required(env, 'TRUST_ROOT_PUBLIC_KEY'), 32),
    signingSeeds: parseSigningKeys(env.SIGNING_KEYS),
    idHmacKey: parseHmacKey(required(env, 'ID_HMAC_KEY')),
    feedKeys: parseFeedKeys(required(env, 'FEED_KEY'), env.FEED_KEYS_RETIRED),
    windowHeadroomPerBucket: parseHeadroom(env.WINDOW_HEADROOM_PER_BUCKET),
    operators: parseOperators(env.OPERATOR_TOKENS),
    idNumberRule: parseIdNumberFormat(env.ID_NUMBER_FORMAT),
    identity: parseIdentityConfig(env, misconfigured),
    auditRetentionDays: parseAuditRetentionDays(env.AUDIT_RETENTION_DAYS),
  };
}

function parseIdNumberFormat(raw: string | undefined): IdNumberRule {
  const rule = parseIdNumberRule(raw);
  if (!rule) throw misconfigured('ID_NUMBER_FORMAT', 'must be "gb11643" or "pattern:^...$"');
  return rule;
}

const retentionDays = z.pipe(
  z.string().check(z.regex(/^[0-9]{1,6}$/, 'must be a whole number of days')),
  z.pipe(
    z.transform(Number),
    z
      .int()
      .check(
        z.gte(AUDIT_RETENTION_DAYS.min, `must be at least ${AUDIT_RETENTION_DAYS.min} days`),
        z.lte(AUDIT_RETENTION_DAYS.max, `must be at most ${AUDIT_RETENTION_DAYS.max} days`),
      ),
  ),
);

function parseAuditRetentionDays(raw: string | undefined): number {
  if (raw === undefined || raw === '') return AUDIT_RETENTION_DAYS.default;
  const parsed = z.safeParse(retentionDays, raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw misconfigured('AUDIT_RETENTION_DAYS', issue ? plainMessage(issue) : 'is not valid');
}

function parsePolicy(env: Env): StatusPolicy {
  const timeZone = env.TIME_ZONE || DEFAULT_POLICY.timeZone;
  try {
    assertTimeZone(timeZone);
  } catch {
    throw misconfigured('TIME_ZONE', 'is not an IANA time zone this runtime knows');
  }
  let override: z.infer<typeof policyOverride> = {};
  if (env.STATUS_POLICY) {
    const parsed = z.safeParse(policyOverride, parseJson(env.STATUS_POLICY, 'STATUS_POLICY'));
    if (!parsed.success) throw misconfigured('STATUS_POLICY', describeIssue(parsed.error));
    override = parsed.data;
  }
  return {
    timeZone,
    isolationDays: { ...DEFAULT_POLICY.isolationDays, ...override.isolationDays },
    requiredCheckins: { ...DEFAULT_POLICY.requiredCheckins, ...override.requiredCheckins },
    feverThresholdCelsius: override.feverThresholdCelsius ?? DEFAULT_POLICY.feverThresholdCelsius,
    declaration: { ...DEFAULT_POLICY.declaration, ...override.declaration },
    symptomaticCheckinOnGreen: override.symptomaticCheckinOnGreen ?? DEFAULT_POLICY.symptomaticCheckinOnGreen,
    maxExposureAgeDays: override.maxExposureAgeDays ?? DEFAULT_POLICY.maxExposureAgeDays,
  };
}

function parseSigningKeys(raw: string | undefined): Map<string, Uint8Array> {
  const seeds = new Map<string, Uint8Array>();
  // Absent is legal: the Worker then serves its trust list but answers 503 signing_unavailable.
  if (!raw) return seeds;
  const parsed = parseJson(raw, 'SIGNING_KEYS');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw misconfigured('SIGNING_KEYS', 'must be a JSON object');
  for (const [kid, seed] of Object.entries(parsed)) {
    if (!/^[0-9a-f]{16}$/i.test(kid) || typeof seed !== 'string')
      throw misconfigured('SIGNING_KEYS', 'keys must be 16 hex digits, values base64url seeds');
    seeds.set(kid.toLowerCase(), decodeSeed(seed));
  }
  return seeds;
}

function decodeSeed(seed: string): Uint8Array {
  try {
    const bytes = fromBase64Url(seed);
    if (bytes.length === 32) return bytes;
  } catch {
    // reported below, without the value
  }
  throw misconfigured('SIGNING_KEYS', 'every seed must be 32 bytes of base64url');
}

function parseHmacKey(raw: string): Uint8Array {
  return parseKey('ID_HMAC_KEY', raw);
}

/** A secret key of at least 32 bytes, base64url (HMAC-SHA-256 keys: ID_HMAC_KEY, FEED_KEY). */
function parseKey(name: string, raw: string): Uint8Array {
  let key: Uint8Array | undefined;
  try {
    key = fromBase64Url(raw);
  } catch {
    key = undefined;
  }
  if (!key || key.length < 32) throw misconfigured(name, 'must be base64url of at least 32 bytes');
  return key;
}

/**
 * A feed key's id: the first 8 bytes of HMAC-SHA-256(key, "tricolor/feed-key-id"), hex. Stored
 * with each window's domain so a window keeps its key across a rotation; it reveals nothing of
 * the key.
 */
export function feedKeyId(key: Uint8Array): string {
  return toHex(hmac(sha256, key, new TextEncoder().encode('tricolor/feed-key-id')).slice(0, 8));
}

function parseFeedKeys(active: string, retired: string | undefined): FeedKeys {
  const key = parseKey('FEED_KEY', active);
  const byId = new Map([[feedKeyId(key), key]]);
  if (retired) {
    const list = parseJson(retired, 'FEED_KEYS_RETIRED');
    if (!Array.isArray(list) || !list.every((k) => typeof k === 'string'))
      throw misconfigured('FEED_KEYS_RETIRED', 'must be a JSON array of base64url keys');
    for (const k of list) {
      const old = parseKey('FEED_KEYS_RETIRED', k);
      byId.set(feedKeyId(old), old);
    }
  }
  return { activeId: feedKeyId(key), byId };
}

function parseHeadroom(raw: string | undefined): number {
  if (raw === undefined || raw === '') return WINDOW_HEADROOM.default;
  const value = /^[0-9]{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= WINDOW_HEADROOM.min && value <= WINDOW_HEADROOM.max))
    throw misconfigured('WINDOW_HEADROOM_PER_BUCKET', `must be a whole number from ${WINDOW_HEADROOM.min} to ${WINDOW_HEADROOM.max}`);
  return value;
}

function parseOperators(raw: string | undefined): OperatorEntry[] {
  if (!raw) return [];
  const parsed = z.safeParse(operatorList, parseJson(raw, 'OPERATOR_TOKENS'));
  if (!parsed.success) throw misconfigured('OPERATOR_TOKENS', describeIssue(parsed.error));
  return parsed.data.map((o) => ({ name: o.name, role: o.role, sha256: fromHex(o.sha256.toLowerCase()) }));
}

function required(env: Env, name: keyof Env): string {
  const value = env[name];
  if (typeof value !== 'string' || value.length === 0) throw misconfigured(name, 'is not set');
  return value;
}

function bytesOf(name: string, raw: string, length: number): Uint8Array {
  try {
    const bytes = fromBase64Url(raw);
    if (bytes.length === length) return bytes;
  } catch {
    // reported below
  }
  throw misconfigured(name, `must be base64url of ${length} bytes`);
}

function parseJson(raw: string, name: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw misconfigured(name, 'is not valid JSON');
  }
}

function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'value'}: ${plainMessage(issue)}` : 'invalid';
}

function misconfigured(name: string, problem: string): DomainError {
  return new DomainError('misconfigured', `The issuer is misconfigured: ${name} ${problem}.`);
}
