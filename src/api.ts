// The issuer's HTTP contract (docs/api.md), written once: the request and response bodies of the
// public and admin API and their limits. The Worker's validators are typed against these and the
// wallet calls the API through them, so a field renamed on one side fails the type check on the
// other. Plain types and constants only: no validation library reaches the PWA bundle.

import type { Color } from './claims.ts';
import type { Declaration } from './status-rules.ts';

// ---------------------------------------------------------------------------------------------
// Limits

/** Temperatures a check-in may report, in °C: anything outside is a typing error, not a reading. */
export const CHECKIN_TEMPERATURE_CELSIUS = { min: 30, max: 45 } as const;
/**
 * Fever thresholds, in °C: the default both the status rules and checkpoints use, and the range a
 * deployment (STATUS_POLICY) or a checkpoint (settings) may choose from.
 */
export const FEVER_THRESHOLD_CELSIUS = { default: 37.3, min: 35, max: 42 } as const;
/** Reasons given by operators and import rows. */
export const REASON_MAX_LENGTH = 500;
/** Public holder ids: 16 lower-case base32 characters. */
export const HOLDER_ID_PATTERN = /^[a-z2-7]{16}$/;
/** Audit pages. */
export const AUDIT_PAGE_LIMIT = { default: 50, max: 200 } as const;
/** Rows per import request; bigger files are sent in several requests. */
export const IMPORT_MAX_ROWS = 5_000;

// ---------------------------------------------------------------------------------------------
// Shared shapes

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** How a status appears in API responses. */
export interface StatusView {
  color: Color;
  since: number;
  /** Red/yellow: when the status is due to end if the holder keeps checking in daily. */
  until?: number;
  /** Red/yellow: when the isolation counts from (an exposure, else `since`). */
  isolationFrom?: number;
  checkinsDone?: number;
  checkinsRequired?: number;
}

/**
 * An exposure time: NumericDate seconds, or an ISO 8601 time with its zone
 * ("2026-03-01T09:00:00+08:00"); CSV may give the seconds as digits. docs/status-rules.md.
 */
export type ExposureTime = number | string;

// ---------------------------------------------------------------------------------------------
// Holder routes

// A holder comes to be only by signing in at the identity provider (docs/identity.md): there is
// no request that carries an ID number or a name.

/** POST /v1/auth/start: an HTML form, the declaration as checkboxes ("on" or absent). */
export type SignInStartForm = { [K in keyof Declaration]?: 'on' };
export const SIGN_IN_START_PATH = '/v1/auth/start';
/** The longest sign-in start form accepted (three checkboxes need a few dozen bytes). */
export const SIGN_IN_FORM_MAX_BYTES = 512;
/** GET /v1/auth/callback: each parameter the provider sends back is at most this long. */
export const SIGN_IN_CALLBACK_PARAM_MAX = 2048;
/** POST /v1/auth/staff/start: the console's staff sign-in form (no fields); redirects to the provider. */
export const STAFF_SIGN_IN_START_PATH = '/v1/auth/staff/start';
/** GET /v1/auth/staff/callback: where the provider sends staff back (registered beside the holders' callback). */
export const STAFF_SIGN_IN_CALLBACK_PATH = '/v1/auth/staff/callback';
/** POST /v1/auth/sign-out: clears this browser's holder cookie (204). */
export const SIGN_OUT_PATH = '/v1/auth/sign-out';

/**
 * Why a sign-in failed: the callback redirects to /wallet#sign-in-error=<code> (docs/api.md
 * "Sign-in"), where the wallet reads it.
 */
export const SIGN_IN_ERROR_FRAGMENT = 'sign-in-error';

/** GET /v1/holders/me/token */
export interface TokenResponse {
  holderId: string;
  token: string;
  color: Color;
  iat: number;
  exp: number;
  status: StatusView;
  /** The zone whose calendar days count check-ins, for showing `until` with the zone named. */
  timeZone: string;
}

/** POST /v1/holders/me/checkins */
export interface CheckinRequest {
  symptoms: boolean;
  temperature?: number;
}

export interface CheckinResponse {
  /** The issuer's calendar day the check-in counted for (YYYY-MM-DD). */
  day: string;
  counted: boolean;
  /** Why it was not counted: the day already has a check-in this one does not make stricter. */
  notCounted?: 'already_checked_in';
  /** Counted and free of symptoms and fever. */
  clean: boolean;
  /** It replaced a clean check-in from earlier the same day (a fever is never discarded). */
  replacedEarlier: boolean;
  status: StatusView;
  timeZone: string;
}

// ---------------------------------------------------------------------------------------------
// Admin routes

/** PUT /v1/admin/holders/:holderId/status */
export interface StatusChangeRequest {
  color: Color;
  reason: string;
  /** Red/yellow: the isolation counts from here; at the same colour a later one restarts it. */
  exposedAt?: ExposureTime;
}

export interface StatusChangeResponse {
  holderId: string;
  changed: boolean;
  /** What the rules made of the request (docs/status-rules.md). */
  outcome: { kind: 'change' | 'restart' | 'unchanged' | 'lapsed'; why?: 'same_status' | 'not_later' };
  status: StatusView;
}

/** POST /v1/admin/revocations/sequence-jump (docs/operations.md "Issuer database restored") */
export interface SequenceJumpRequest {
  reason: string;
}

export interface SequenceJumpResponse {
  previousHead: number;
  head: number;
}

/**
 * What a scanned code names its holder by (docs/feed-privacy.md "Window index"): the window of
 * its iat (windowOf), its revocation epoch (0 when the claim is absent) and its window index.
 * Only the issuer, with its feed key, can turn it back into a holder, and only while the window's
 * domain is kept (until the window leaves the feed).
 */
export interface CodeReference {
  window: number;
  epoch: number;
  windowIndex: number;
}

/** POST /v1/admin/holders/lookup: exactly one of an ID number or a scanned code's reference. */
export type HolderLookupRequest = { idNumber: string } | { code: CodeReference };

/** A key-people row kept for a person not enrolled yet. */
export interface PendingEntry {
  color: Color;
  reason: string;
  exposedAt: number | null;
  importId: string;
  line: number;
  createdAt: number;
  expiresAt: number;
}

export interface HolderLookupResponse {
  /** Null when nobody with that ID number has enrolled but a list row is pending for them. */
  holder: AdminHolderView | null;
  pending: PendingEntry[];
}

/** One day of the current red/yellow status's check-ins, counted towards the run or not. */
export interface CheckinDayView {
  day: string;
  at: number;
  counted: boolean;
  note: 'clean' | 'symptomatic' | 'before_status' | 'after_release';
}

/** GET /v1/admin/holders/:holderId */
export interface AdminHolderView {
  holderId: string;
  sub: string;
  maskedName: string;
  createdAt: number;
  /** What the rules say now. */
  status: StatusView;
  timeZone: string;
  /** The materialised row, which lags until the cron (or the next write) records a rule release. */
  recorded: { color: Color; since: number; until: number | null; isolationFrom: number | null; version: number };
  /** The current red/yellow status's check-in days, each counted or not. */
  run: CheckinDayView[];
  /** Key-people rows kept for this person's ID number and not yet applied. */
  pending: PendingEntry[];
  events: {
    id: number;
    at: number;
    color: Color;
    source: string;
    actor: string;
    reason: string | null;
    exposedAt: number | null;
    /** The import run that wrote this change (source `import`); null otherwise. */
    importId: string | null;
  }[];
  checkins: { day: string; at: number; symptoms: boolean; temperature: number | null }[];
}

/** One row of a key-people import file. */
export interface ImportRowInput {
  idNumber: string;
  color: Color;
  reason: string;
  exposedAt?: ExposureTime;
}

export interface ImportRejection {
  /** 1-based line of the file (CSV: the header is line 1). */
  line: number;
  error: string;
}

/** POST /v1/admin/holders/import */
export interface ImportReport {
  importId: string;
  applied: number;
  unchanged: number;
  /** Rows for ID numbers nobody has enrolled with yet, kept until that person enrols. */
  pending: number;
  rejected: ImportRejection[];
  /**
   * Rows not applied because their holder database failed (the response is then 503): sending the
   * same file again applies them; rows already applied come back unchanged.
   */
  notApplied: ImportNotApplied[];
}

export interface ImportNotApplied {
  line: number;
  /** Which holder database failed. */
  database: string;
}

/** The body of a 503 import: the error, and exactly what was and was not applied. */
export interface IncompleteImportResponse extends ImportReport {
  error: { code: 'import_incomplete'; message: string };
}

export const AUDIT_ACTOR_TYPES = ['operator', 'import', 'rule', 'declaration', 'holder', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

/** Rows one audit CSV export carries at most; narrow the filter for more. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;
/** Audit action names: `area.verb` (status.set, import.run, staff.signin, ...). */
export const AUDIT_ACTION_PATTERN = /^[a-z_]{1,30}(\.[a-z_]{1,30}){0,2}$/;
/** Staff names as an audit filter (OPERATOR_TOKENS names are at most 64 characters). */
export const AUDIT_ACTOR_MAX_LENGTH = 80;

/** The filter of GET /v1/admin/audit and of its CSV export, GET /v1/admin/audit/export. */
export interface AuditFilter {
  holderId?: string;
  actorType?: AuditActorType;
  /** A staff or holder name, exactly. */
  actor?: string;
  action?: string;
  /** Entries at or after this instant (seconds). */
  from?: number;
  /** Entries before this instant (seconds); later than `from`. */
  to?: number;
  /** Everything one import wrote. */
  importId?: string;
}

/** GET /v1/admin/audit */
export interface AuditQuery extends AuditFilter {
  /** A previous page's nextCursor, as given. */
  cursor?: string;
  limit?: number;
}

/** The columns of GET /v1/admin/audit/export, in order. */
export const AUDIT_CSV_COLUMNS = ['id', 'at', 'actorType', 'actor', 'action', 'holderId', 'from', 'to', 'reason', 'detail'] as const;

export interface AuditEntry {
  /** Unique across the holder databases (row id × 256 + database index); not a count. */
  id: number;
  at: number;
  actorType: AuditActorType;
  actor: string;
  action: string;
  holderId: string | null;
  from: Color | null;
  to: Color | null;
  reason: string | null;
  detail: unknown;
  importId: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

// ---------------------------------------------------------------------------------------------
// The operator console's admin routes (docs/console.md)

export type StaffRole = 'operator' | 'auditor';

/** POST /v1/admin/session (201), GET /v1/admin/session */
export interface StaffSession {
  name: string;
  role: StaffRole;
  /** The issuer's time zone, in which check-in days are counted. */
  timeZone: string;
  /** POST only: when the session cookie expires (seconds). */
  expiresAt?: number;
  /** GET only: how this request was authenticated. */
  via?: 'bearer' | 'session';
}

/** Days GET /v1/admin/dashboard covers, today included. */
export const DASHBOARD_DAYS = 30;

/** GET /v1/admin/dashboard */
export interface DashboardView {
  asOf: number;
  /** The issuer's calendar day (YYYY-MM-DD). */
  today: string;
  timeZone: string;
  colors: Record<Color, number>;
  /** Counted check-ins today, and the red and yellow holders who owe one. */
  checkins: { today: number; holdersDue: number };
  /** DASHBOARD_DAYS entries, oldest first. */
  days: { day: string; toRed: number; toYellow: number; toGreen: number; checkins: number; imports: number; importApplied: number }[];
}

/** GET /v1/admin/keys */
export interface KeysView {
  now: number;
  version: number;
  issuer: string;
  issuedAt: number;
  nextUpdate: number;
  secondsToNextUpdate: number;
  keys: {
    kid: string;
    state: string;
    validFrom: number;
    validUntil: number | null;
    /** An offline verifier would still accept tokens this key signed. */
    acceptedOffline: boolean;
    /** This Worker holds the key's seed. */
    signsHere: boolean;
  }[];
}
