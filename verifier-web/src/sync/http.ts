// One guarded GET for the sync: bounded time, conditional, and the server's clock read from Date.
import { MAX_FEED_BYTES } from '../../../src/index.ts';

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

export interface FetchedBytes {
  status: 200 | 304;
  bytes?: Uint8Array;
  etag?: string;
  /** The server's Date header, NumericDate seconds, if it sent a parsable one. */
  serverDate?: number;
}

export class SyncHttpError extends Error {
  override readonly name = 'SyncHttpError';
}

/** The largest feed the core reads; anything bigger is refused before it is read into memory twice. */
const MAX_BODY_BYTES = MAX_FEED_BYTES;
const TIMEOUT_MS = 20_000;

export async function fetchBytes(fetcher: Fetcher, url: string, etag: string | undefined): Promise<FetchedBytes> {
  const headers: Record<string, string> = { accept: 'application/cose' };
  if (etag) headers['if-none-match'] = etag;
  // With an ETag of ours, `no-cache` revalidates and hands us the server's answer. Without one the
  // HTTP cache is bypassed altogether (`no-store`): otherwise the browser would revalidate with
  // its own validators and give us back its cached body, an old signed feed, as if it were new
  // (docs/revocation-feed.md "Freshness").
  const response = await fetcher(url, { headers, cache: etag ? 'no-cache' : 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS) });
  const serverDate = parseHttpDate(response.headers.get('date'));
  if (response.status === 304) return { status: 304, etag, serverDate };
  if (response.status !== 200) throw new SyncHttpError(`${url} answered ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > MAX_BODY_BYTES) throw new SyncHttpError(`${url} is too large`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) throw new SyncHttpError(`${url} is too large`);
  return { status: 200, bytes, etag: response.headers.get('etag') ?? undefined, serverDate };
}

export function parseHttpDate(value: string | null): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}
