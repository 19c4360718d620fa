// How the PWA's pages read an answer of the issuer's API (docs/api.md "Errors"): the body on
// success, else the stable `{error: {code, message}}`, and a network failure as `offline` rather
// than an exception. Shared by the wallet's and the console's API clients.

export type ApiResult<T> = { ok: true; value: T } | { ok: false; offline: boolean; status: number; code: string; message: string };

/** What a fetch that never reached the issuer (no network, DNS, a timeout) comes back as. */
export const OFFLINE: ApiResult<never> = { ok: false, offline: true, status: 0, code: 'offline', message: 'no connection' };

export async function readApiResult<T>(response: Response): Promise<ApiResult<T>> {
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
    offline: false,
    status: response.status,
    code: typeof error?.code === 'string' ? error.code : `http_${response.status}`,
    message: typeof error?.message === 'string' ? error.message : response.statusText,
  };
}
