// HTTP caching helpers shared by the public, verifier-facing routes.

import { TUNABLES } from '../tunables.ts';

/** Public data that verifiers poll: short freshness, then serve stale while revalidating. */
export const PUBLIC_CACHE = `public, max-age=${TUNABLES.feedMaxAgeSeconds}, stale-while-revalidate=${TUNABLES.feedStaleWhileRevalidateSeconds}`;

/** RFC 9110 §13.1.2 If-None-Match: a list of entity tags or "*", compared weakly. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => strip(t) === strip(etag));
}
