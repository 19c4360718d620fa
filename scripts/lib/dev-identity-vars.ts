// The Worker's OIDC settings for local development (docs/identity.md "The dev provider"): written
// into .dev.vars next to the keys, pointing at the dev provider on loopback. The client secret is
// made once and kept, so the provider and the Worker always agree on it.

import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

export const DEV_CLIENT_ID = 'tricolor-dev';

export interface DevIdentityVars {
  OIDC_ISSUER: string;
  OIDC_CLIENT_ID: string;
  OIDC_CLIENT_SECRET: string;
  OIDC_REDIRECT_URI: string;
  OIDC_ID_TOKEN_ALG: string;
}

/** Upserts the OIDC_* lines of `devVarsPath` (mode 0600) for a Worker on `workerPort` and the provider on `providerPort`. */
export async function ensureDevIdentityVars(devVarsPath: string, workerPort: number, providerPort: number): Promise<DevIdentityVars> {
  const text = await readFile(devVarsPath, 'utf8').catch(() => '');
  const existingSecret = /^OIDC_CLIENT_SECRET='?([A-Za-z0-9_-]{32,})'?$/m.exec(text)?.[1];
  const vars: DevIdentityVars = {
    OIDC_ISSUER: `http://127.0.0.1:${providerPort}`,
    OIDC_CLIENT_ID: DEV_CLIENT_ID,
    OIDC_CLIENT_SECRET: existingSecret ?? randomBytes(32).toString('base64url'),
    OIDC_REDIRECT_URI: `http://127.0.0.1:${workerPort}/v1/auth/callback`,
    OIDC_ID_TOKEN_ALG: 'ES256',
  };
  const kept = text.split('\n').filter((line) => line.trim() !== '' && !/^OIDC_[A-Z_]+=/.test(line));
  const lines = [...kept, ...Object.entries(vars).map(([k, v]) => `${k}='${v}'`)];
  await writeFile(devVarsPath, `${lines.join('\n')}\n`, { mode: 0o600 });
  return vars;
}
