// The holder API of the issuer Worker (issue 3): enrol, fetch the current token, check in.
// Every failure comes back as a typed result; a network failure is `offline`, not an exception.

export interface Declaration {
  symptoms: boolean;
  contactWithCase: boolean;
  fromHighRiskArea: boolean;
}

export interface Enrolment {
  name: string;
  idNumber: string;
  phone?: string;
  declaration: Declaration;
}

export interface EnrolResponse {
  holderId: string;
  secret: string;
  status: { color: string; since: number; until?: number };
  token: string;
}

/** The status as the issuer reports it (docs/api.md "Status"). */
export interface HolderStatus {
  color: string;
  since: number;
  /** Red/yellow: when the holder is due to turn green if they keep checking in daily. */
  until?: number;
  checkinsDone?: number;
  checkinsRequired?: number;
}

export interface TokenResponse {
  token: string;
  color: string;
  exp: number;
  status?: HolderStatus;
  /** The zone whose calendar days count check-ins (the issuer's policy). */
  timeZone?: string;
}

/** What the issuer did with a check-in (docs/api.md POST /v1/holders/me/checkins). */
export interface CheckinResponse {
  day: string;
  counted: boolean;
  /** Why it was not counted. */
  notCounted?: string;
  /** Counted and free of symptoms and fever. */
  clean: boolean;
  /** It replaced a clean check-in from earlier the same day. */
  replacedEarlier: boolean;
  status: HolderStatus;
  timeZone: string;
}

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

export function enrolHolder(enrolment: Enrolment): Promise<ApiResult<EnrolResponse>> {
  return call('/v1/holders', json(enrolment));
}

export function fetchCurrentToken(secret: string): Promise<ApiResult<TokenResponse>> {
  return call('/v1/holders/me/token', { headers: { authorization: `Bearer ${secret}` } });
}

export function postCheckin(secret: string, checkin: { symptoms: boolean; temperature?: number }): Promise<ApiResult<CheckinResponse>> {
  return call('/v1/holders/me/checkins', json(checkin, secret));
}
