// Setup: signs a trust list (version 1) with the test root, naming the test signing key as
// active, and installs it in D1 as `keys publish --local` would. Setup files may run more than
// once per file; INSERT OR IGNORE keeps that harmless.
import { env } from 'cloudflare:workers';
import { createSigner, fromBase64Url, signTrustList } from '../../src/index.ts';
import { BASE_TRUST_LIST_VERSION, KEY_VALID_FROM, LIST_ISSUED_AT } from './fixtures.ts';

const root = await createSigner(fromBase64Url(env.TEST_ROOT_SEED));
const signing = await createSigner(fromBase64Url(env.TEST_SIGNING_SEED));
const cose = await signTrustList(
  {
    version: BASE_TRUST_LIST_VERSION,
    issuedAt: LIST_ISSUED_AT,
    nextUpdate: LIST_ISSUED_AT + 7 * 86400,
    issuer: env.ISSUER,
    keys: [{ kid: signing.kid, publicKey: signing.publicKey, state: 'active', validFrom: KEY_VALID_FROM }],
  },
  root,
);
await env.DB.prepare('INSERT OR IGNORE INTO trust_lists (version, cose, issued_at, installed_at) VALUES (?, ?, ?, ?)')
  .bind(BASE_TRUST_LIST_VERSION, cose.buffer, LIST_ISSUED_AT, LIST_ISSUED_AT)
  .run();
