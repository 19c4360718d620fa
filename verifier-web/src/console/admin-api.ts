// The console's calls to the Worker's admin API (docs/api.md, docs/console.md). Every call rides
// on the HttpOnly session cookie (same origin, never readable here); the operator token typed at
// sign-in is sent once, to POST /v1/admin/session, and then forgotten. Failures come back typed.
//
// lookupHolder is the one place that finds a holder: by holder id (GET), or by ID number or
// pseudonym through POST /v1/admin/holders/lookup, so an ID number never sits in a URL.

import { HOLDER_ID_PATTERN } from '../../../src/api.ts';
import type {
  AdminHolderView,
  AuditFilter,
  AuditPage,
  Color,
  DashboardView,
  HolderLookupRequest,
  HolderLookupResponse,
  ImportReport,
  KeysView,
  StaffSession,
  StatusChangeRequest,
  StatusChangeResponse,
} from '../../../src/index.ts';
import { isSubId } from '../../../src/sub-id.ts';
import { type ApiResult, OFFLINE, readApiResult } from '../api-result.ts';

export type { AuditEntry, AuditFilter, Color, DashboardView, KeysView, PendingEntry } from '../../../src/index.ts';
export type HolderView = AdminHolderView;
export type Staff = Pick<StaffSession, 'name' | 'role' | 'timeZone'>;

export type { ApiResult } from '../api-result.ts';

async function call<T>(path: string, init: RequestInit = {}): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (e) {
    // A cancelled import stops here, not as "offline".
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    return OFFLINE;
  }
  return readApiResult<T>(response);
}

const jsonInit = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Exchanges a token for the session cookie; the token is not kept anywhere. */
export const signIn = (token: string) =>
  call<StaffSession>('/v1/admin/session', { method: 'POST', headers: { authorization: `Bearer ${token.trim()}` } });
export const whoAmI = () => call<StaffSession>('/v1/admin/session');
export const signOut = () => call<void>('/v1/admin/session', { method: 'DELETE' });

export const fetchDashboard = () => call<DashboardView>('/v1/admin/dashboard');
export const fetchKeys = () => call<KeysView>('/v1/admin/keys');

/** What the console searches by: the holder id, the pseudonym a checkpoint shows, or an ID number. */
export type LookupKind = 'holderId' | 'sub' | 'idNumber';

/** A 16-character holder id, an 8-character base32 pseudonym, else an ID number. */
export function lookupKind(query: string): LookupKind {
  const q = query.trim();
  if (HOLDER_ID_PATTERN.test(q.toLowerCase())) return 'holderId';
  if (isSubId(q.toUpperCase())) return 'sub';
  return 'idNumber';
}

/** Finds a holder and any pending key-people entries; `holder` is null for a person listed but not enrolled. */
export async function lookupHolder(query: string): Promise<ApiResult<HolderLookupResponse>> {
  const q = query.trim();
  const kind = lookupKind(q);
  if (kind === 'holderId') {
    const found = await call<HolderView>(`/v1/admin/holders/${encodeURIComponent(q.toLowerCase())}`);
    return found.ok ? { ok: true, value: { holder: found.value, pending: found.value.pending } } : found;
  }
  const body: HolderLookupRequest = kind === 'sub' ? { sub: q.toUpperCase() } : { idNumber: q };
  return call<HolderLookupResponse>('/v1/admin/holders/lookup', jsonInit('POST', body));
}

export const setHolderStatus = (holderId: string, color: Color, reason: string) =>
  call<StatusChangeResponse>(
    `/v1/admin/holders/${encodeURIComponent(holderId)}/status`,
    jsonInit('PUT', { color, reason } satisfies StatusChangeRequest),
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
  return call<AuditPage>(`/v1/admin/audit?${q}`);
};

export const auditExportUrl = (filter: AuditFilter) => `/v1/admin/audit/export?${auditQuery(filter)}`;

/** One chunk of an import (at most the Worker's row limit), cancellable through `signal`. */
export const postImportChunk = (body: string, contentType: 'text/csv' | 'application/x-ndjson', signal: AbortSignal) =>
  call<ImportReport>('/v1/admin/holders/import', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    signal,
  });
