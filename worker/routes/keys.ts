// Key publication: the root-signed trust list (served as stored), its installation, and the JWKS
// view (docs/trust-list.md, docs/architecture.md "Keys and the trust list at run time").

import type { Context, Hono } from 'hono';
import { type KeysView, MAX_TRUST_LIST_BYTES, toHex } from '../../src/index.ts';
import { requireWriteRole } from '../auth/operator.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { mediaType, readBodyLimited } from '../http/body.ts';
import { installTrustList } from '../trust/install.ts';
import { jwksOf, mayHaveLiveTokens } from '../trust/jwks.ts';
import type { CurrentTrustList } from '../trust/trust-list.ts';
import { etagMatches, PUBLIC_CACHE } from './http-cache.ts';

export function registerKeyRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/trust-list', async (c) => {
    const current = await currentOr503(c);
    const etag = `"tl-${current.list.version}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', PUBLIC_CACHE);
    if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
    c.header('Content-Type', 'application/cose');
    return c.body(current.cose.slice().buffer as ArrayBuffer);
  });

  app.get('/.well-known/jwks.json', async (c) => {
    const current = await currentOr503(c);
    c.header('ETag', `"jwks-${current.list.version}"`);
    c.header('Cache-Control', PUBLIC_CACHE);
    return c.json(jwksOf(current.list.keys, c.var.now, c.var.config.tokenLifetimeSeconds));
  });

  // The console's read-only keys page: the current list decoded, each key's state and window, and
  // whether an offline checkpoint would still accept tokens it signed (worker/trust/jwks.ts).
  app.get('/v1/admin/keys', async (c) => {
    const { list } = await currentOr503(c);
    const { now, config } = c.var;
    c.header('Cache-Control', 'no-store');
    return c.json({
      now,
      version: list.version,
      issuer: list.issuer,
      issuedAt: list.issuedAt,
      nextUpdate: list.nextUpdate,
      secondsToNextUpdate: list.nextUpdate - now,
      keys: list.keys.map((k) => ({
        kid: toHex(k.kid),
        state: k.state,
        validFrom: k.validFrom,
        validUntil: k.validUntil ?? null,
        acceptedOffline: mayHaveLiveTokens(k, now, config.tokenLifetimeSeconds),
        signsHere: config.signingSeeds.has(toHex(k.kid)),
      })),
    } satisfies KeysView);
  });

  app.put('/v1/admin/trust-list', requireWriteRole, async (c) => {
    const { db, config, now, operator, state } = c.var;
    if (mediaType(c.req.raw) !== 'application/cose')
      throw new ApiError(415, 'unsupported_media_type', 'Send the trust list as application/cose (the raw COSE_Sign1 bytes).');
    const bytes = await readBodyLimited(c.req.raw, MAX_TRUST_LIST_BYTES);
    const list = await installTrustList(db, config, bytes, now, operator.name);
    state.trust.invalidate();
    return c.json({ version: list.version, issuedAt: list.issuedAt, nextUpdate: list.nextUpdate, keys: list.keys.length }, 201);
  });
}

async function currentOr503(c: Context<AppEnv>): Promise<CurrentTrustList> {
  const current = await c.var.state.trust.current(c.var.readDb, c.var.config.rootPublicKey, c.var.now);
  if (!current)
    throw new ApiError(503, 'trust_list_unavailable', 'No trust list signed by the pinned root is installed yet.', { 'Retry-After': '60' });
  return current;
}
