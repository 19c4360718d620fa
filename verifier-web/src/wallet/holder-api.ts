// The holder API of the issuer Worker (docs/api.md): enrol, fetch the current token, check in.
// Every failure comes back as a typed result; a network failure is `offline`, not an exception.
// The request and response types are the contract in src/api.ts, shared with the Worker.

import type { CheckinRequest, CheckinResponse, EnrolRequest, EnrolResponse, TokenResponse } from '../../../src/index.ts';

export type { Declaration, EnrolRequest as Enrolment, EnrolResponse, TokenResponse } from '../../../src/index.ts';

export type ApiResult<T> = { ok: true; value: T } | { ok: false; offline: boolean; status: number; code: string; message: string };

const TIMEOUT_MS = 20_000;

async function call<T>(path: string, init: RequestInit): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    return { ok: false, offline: true, status: 0, code: 'offline', message: 'no connection' };
  }
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
    offline: false,
    status: response.status,
    code: typeof error?.code === 'string' ? error.code : `http_${response.status}`,
    message: typeof error?.message === 'string' ? error.message : response.statusText,
  };
}

const json = (body: unknown, secret?: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
  body: JSON.stringify(body),
});

export function enrolHolder(enrolment: EnrolRequest): Promise<ApiResult<EnrolResponse>> {
  return call('/v1/holders', json(enrolment));
}

export function fetchCurrentToken(secret: string): Promise<ApiResult<TokenResponse>> {
  return call('/v1/holders/me/token', { headers: { authorization: `Bearer ${secret}` } });
}

export function postCheckin(secret: string, checkin: CheckinRequest): Promise<ApiResult<CheckinResponse>> {
  return call('/v1/holders/me/checkins', json(checkin, secret));
}
