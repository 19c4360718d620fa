// The holder API of the issuer Worker (docs/api.md): fetch the current token, check in, sign out.
// The holder secret is an HttpOnly cookie the browser sends by itself (same origin, path
// /v1/holders/me); this code never sees it. Every failure comes back as a typed result; a network
// failure is `offline`, not an exception. The request and response types are the contract in
// src/api.ts, shared with the Worker.

import { type CheckinRequest, type CheckinResponse, SIGN_OUT_PATH, type TokenResponse } from '../../../src/index.ts';
import { type ApiResult, OFFLINE, readApiResult } from '../api-result.ts';

export type { CheckinResponse, StatusView as HolderStatus, TokenResponse } from '../../../src/index.ts';

export type { ApiResult } from '../api-result.ts';

const TIMEOUT_MS = 20_000;

async function call<T>(path: string, init: RequestInit): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, credentials: 'same-origin', cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    return OFFLINE;
  }
  return readApiResult<T>(response);
}

export function fetchCurrentToken(): Promise<ApiResult<TokenResponse>> {
  return call('/v1/holders/me/token', {});
}

export function postCheckin(checkin: CheckinRequest): Promise<ApiResult<CheckinResponse>> {
  return call('/v1/holders/me/checkins', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(checkin),
  });
}

/** Clears the secret cookie on this device (the holder and its secret stay valid elsewhere). */
export function signOut(): Promise<ApiResult<unknown>> {
  return call(SIGN_OUT_PATH, { method: 'POST' });
}
