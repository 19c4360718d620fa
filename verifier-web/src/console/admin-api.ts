// The console's calls to the Worker's admin API (docs/api.md, docs/console.md). Every call rides
// on the HttpOnly session cookie (same origin, never readable here); the operator token typed at
// sign-in is sent once, to POST /v1/admin/session, and then forgotten. Failures come back typed.
//
// lookupHolder is the one place that finds a holder: by holder id (GET), or by ID number or a
// scanned code through POST /v1/admin/holders/lookup, so an ID number never sits in a URL.

import { HOLDER_ID_PATTERN } from '../../../src/api.ts';
import {
  type AdminHolderView,
  type AuditFilter,
  type AuditPage,
  type CodeReference,
  type Color,
  type DashboardView,
  decodeBase45,
  decodeClaims,
  type HolderLookupRequest,
  type HolderLookupResponse,
  type ImportReport,
  type KeysView,
  parseSign1,
  type StaffSession,
  type StatusChangeRequest,
  type StatusChangeResponse,
  TOKEN_PREFIX,
  windowOf,
} from '../../../src/index.ts';
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

/** What the console searches by: the holder id, a scanned code (its QR text), or an ID number. */
export type LookupKind = 'holderId' | 'code' | 'idNumber';

/** A 16-character holder id, a code's QR text (TC1:…), else an ID number. */
export function lookupKind(query: string): LookupKind {
  const q = query.trim();
  if (HOLDER_ID_PATTERN.test(q.toLowerCase())) return 'holderId';
  if (q.toUpperCase().startsWith(TOKEN_PREFIX)) return 'code';
  return 'idNumber';
}

/**
 * What a code's QR text names its holder by (docs/feed-privacy.md): the window of its iat, its
 * epoch and its window index. Read, not verified: the issuer only looks the reference up, and an
 * altered code finds someone else or nobody, which the audit log records like any lookup.
 * Undefined for text that is no readable code.
 */
export function codeReference(query: string): CodeReference | undefined {
  try {
    const q = query.trim();
    const claims = decodeClaims(parseSign1(decodeBase45(q.slice(TOKEN_PREFIX.length))).payload);
    if (!claims.ok) return undefined;
    return { window: windowOf(claims.claims.iat), epoch: claims.claims.revocationEpoch ?? 0, windowIndex: claims.claims.windowIndex };
  } catch {
    return undefined;
  }
}

/** Finds a holder and any pending key-people entries; `holder` is null for a person listed but not enrolled. */
export async function lookupHolder(query: string): Promise<ApiResult<HolderLookupResponse>> {
  const q = query.trim();
  const kind = lookupKind(q);
  if (kind === 'holderId') {
    const found = await call<HolderView>(`/v1/admin/holders/${encodeURIComponent(q.toLowerCase())}`);
    return found.ok ? { ok: true, value: { holder: found.value, pending: found.value.pending } } : found;
  }
  let body: HolderLookupRequest = { idNumber: q };
  if (kind === 'code') {
    const code = codeReference(q);
    if (!code)
      return { ok: false, offline: false, status: 400, code: 'validation_failed', message: 'this is not a readable Tricolor code' };
    body = { code };
  }
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
