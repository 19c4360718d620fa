// The console's calls to the Worker's admin API (docs/api.md, docs/console.md). Every call rides
// on the HttpOnly session cookie (same origin, never readable here); the operator token typed at
// sign-in is sent once, to POST /v1/admin/session, and then forgotten. Failures come back typed.
//
// lookupHolder is the one place that finds a holder: pointing it at the lookup routes by ID number
// and by pseudonym needs no change anywhere else in the console.

export type Role = 'operator' | 'auditor';
export type Color = 'green' | 'yellow' | 'red';

export interface Staff {
  name: string;
  role: Role;
  /** The issuer's time zone, in which check-in days are counted. */
  timeZone: string;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; status: number; code: string; message: string };

export interface HolderView {
  holderId: string;
  sub: string;
  maskedName: string;
  createdAt: number;
  status: { color: Color; since: number; until?: number };
  recorded: { color: Color; since: number; until: number | null; version: number };
  events: { id: number; at: number; color: Color; source: string; actor: string; reason: string }[];
  checkins: { day: string; at: number; symptoms: boolean; temperature: number | null }[];
}

export interface DashboardView {
  asOf: number;
  today: string;
  colors: Record<Color, number>;
  checkins: { today: number; holdersDue: number };
  days: { day: string; toRed: number; toYellow: number; toGreen: number; checkins: number; imports: number; importApplied: number }[];
}

export interface AuditEntry {
  id: number;
  at: number;
  actorType: string;
  actor: string;
  action: string;
  holderId: string | null;
  from: Color | null;
  to: Color | null;
  reason: string | null;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  holderId?: string;
  from?: number;
  to?: number;
}

export interface KeysView {
  now: number;
  version: number;
  issuer: string;
  issuedAt: number;
  nextUpdate: number;
  secondsToNextUpdate: number;
  keys: { kid: string; state: string; validFrom: number; validUntil: number | null; acceptedOffline: boolean; signsHere: boolean }[];
}

export interface ImportReport {
  importId: string;
  applied: number;
  unchanged: number;
  /** Rows naming nobody enrolled; newer issuers call them pending. */
  unknown?: number;
  pending?: number;
  rejected: { line: number; error: string }[];
}

async function call<T>(path: string, init: RequestInit = {}): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    return { ok: false, status: 0, code: 'offline', message: 'no connection' };
  }
  if (response.status === 204) return { ok: true, value: undefined as T };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.ok) return { ok: true, value: body as T };
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return {
    ok: false,
    status: response.status,
    code: typeof error?.code === 'string' ? error.code : `http_${response.status}`,
    message: typeof error?.message === 'string' ? error.message : response.statusText,
  };
}

const jsonInit = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Exchanges a token for the session cookie; the token is not kept anywhere. */
export const signIn = (token: string) =>
  call<Staff & { expiresAt: number }>('/v1/admin/session', { method: 'POST', headers: { authorization: `Bearer ${token.trim()}` } });
export const whoAmI = () => call<Staff>('/v1/admin/session');
export const signOut = () => call<void>('/v1/admin/session', { method: 'DELETE' });

export const fetchDashboard = () => call<DashboardView>('/v1/admin/dashboard');
export const fetchKeys = () => call<KeysView>('/v1/admin/keys');

/** A holder id (16 base32 characters) today; the ID-number and pseudonym lookups plug in here. */
export function lookupHolder(query: string): Promise<ApiResult<HolderView>> {
  return call<HolderView>(`/v1/admin/holders/${encodeURIComponent(query.trim().toLowerCase())}`);
}

export const setHolderStatus = (holderId: string, color: Color, reason: string) =>
  call<{ holderId: string; changed: boolean; status: HolderView['status'] }>(
    `/v1/admin/holders/${encodeURIComponent(holderId)}/status`,
    jsonInit('PUT', { color, reason }),
  );

export function auditQuery(filter: AuditFilter): URLSearchParams {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) if (value !== undefined && value !== '') q.set(name, String(value));
  return q;
}

export const fetchAudit = (filter: AuditFilter, cursor?: string, limit = 50) => {
  const q = auditQuery(filter);
  q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  return call<{ entries: AuditEntry[]; nextCursor: string | null }>(`/v1/admin/audit?${q}`);
};

export const auditExportUrl = (filter: AuditFilter) => `/v1/admin/audit/export?${auditQuery(filter)}`;

/** One chunk of an import (at most the Worker's row limit), cancellable through `signal`. */
export const postImportChunk = (body: string, contentType: 'text/csv' | 'application/x-ndjson', signal: AbortSignal) =>
  call<ImportReport>('/v1/admin/holders/import', { method: 'POST', headers: { 'content-type': contentType }, body, signal });
