// RFC 6750 §2.1 bearer credentials. Returns undefined for anything that is not one, without
// saying why (the caller answers a uniform 401).

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
/** Longer than any token we issue; refuse before hashing arbitrary input. */
const MAX_TOKEN_LENGTH = 256;

export function bearerToken(header: string | undefined): string | undefined {
  if (!header || header.length > MAX_TOKEN_LENGTH + 16) return undefined;
  const token = BEARER.exec(header)?.[1];
  return token && token.length <= MAX_TOKEN_LENGTH ? token : undefined;
}
