// `keys publish --remote` against a real local `wrangler dev` on a loopback port. No Cloudflare
// account is reachable here, so `wrangler secret put` is replaced by the CLI's documented local
// stand-in (--secrets-env-file), and the test supervises wrangler dev the way Cloudflare treats a
// deployed Worker: a changed secret means a restarted Worker (keys-local-worker.ts). The trust
// list travels the production path: PUT /v1/admin/trust-list with an operator token.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../keys/progress.ts';
import { type RunningDevProvider, startDevOidcProvider } from '../../scripts/lib/dev-oidc-provider.ts';
import { signInDevIdentity } from '../../scripts/lib/dev-sign-in.ts';
import { readDotenvValue } from '../../scripts/lib/dev-vars.ts';
import { freeLoopbackPort } from '../../scripts/lib/local-worker.ts';
import { runWrangler } from '../../scripts/lib/wrangler-exec.ts';
import { fromBase64Url, type TrustList, toBase64Url, toHex, verifyToken, verifyTrustList } from '../../src/index.ts';
import { type CliRun, REPO_ROOT, runCli, tempDir } from './helpers.ts';
import { type LocalWorker, startLocalWorker } from './local-worker.ts';

const PASSPHRASE = 'remote publish test passphrase';
let worker: LocalWorker | undefined;
let provider: RunningDevProvider | undefined;
afterAll(async () => {
  await worker?.stop();
  await provider?.close();
});

describe('keys publish --remote', () => {
  it('installs the root, the signing seeds and the list on a Worker, then rotates keeping the old seed only until the new list is in', {
    timeout: 240_000,
  }, async () => {
    const dir = await tempDir();
    const store = join(dir, 'keystore');
    const env = { TRICOLOR_PASSPHRASE: PASSPHRASE };
    const outputs: CliRun[] = [];
    const keys = async (...args: string[]) => {
      const run = await runCli([...args, '--store', store], env, 120_000);
      outputs.push(run);
      return run;
    };

    // The operator's deploy-time secrets, set once by hand: ID_HMAC_KEY, FEED_KEY and OPERATOR_TOKENS.
    const operatorToken = toBase64Url(randomBytes(32));
    const tokenFile = join(dir, 'operator-token');
    await writeFile(tokenFile, `${operatorToken}\n`, { mode: 0o600 });
    const envFile = join(dir, 'secrets.env');
    const tokens = [{ name: 'ops', role: 'operator', sha256: createHash('sha256').update(operatorToken).digest('hex') }];
    // Holders come only from sign-in: a dev identity provider beside the Worker (docs/identity.md).
    const port = await freeLoopbackPort();
    const client = {
      clientId: 'keys-test',
      clientSecret: toBase64Url(randomBytes(32)),
      redirectUris: [`http://127.0.0.1:${port}/v1/auth/callback`],
    };
    provider = await startDevOidcProvider({ port: 0, clients: [client] });
    const identity = [
      `OIDC_ISSUER='${provider.issuer}'`,
      `OIDC_CLIENT_ID='${client.clientId}'`,
      `OIDC_CLIENT_SECRET='${client.clientSecret}'`,
      `OIDC_REDIRECT_URI='${client.redirectUris[0]}'`,
      `OIDC_ID_TOKEN_ALG='ES256'`,
    ].join('\n');
    await writeFile(
      envFile,
      `ID_HMAC_KEY='${toBase64Url(randomBytes(32))}'\nFEED_KEY='${toBase64Url(randomBytes(32))}'\nOPERATOR_TOKENS='${JSON.stringify(tokens)}'\n${identity}\n`,
      {
        mode: 0o600,
      },
    );
    const persistTo = join(dir, 'state');
    await runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], {
      cwd: REPO_ROOT,
      label: 'migrations',
      reporter: silentReporter,
    });

    const publicOut = join(dir, 'root-public.json');
    expect((await keys('root', 'init', '--issuer', 'ZJ', '--public-out', publicOut)).code).toBe(0);
    const rootKey = fromBase64Url((JSON.parse(await readFile(publicOut, 'utf8')) as { publicKey: string }).publicKey);
    const a = /signing key ([0-9a-f]{16})/.exec((await keys('signing', 'new')).stdout)![1]!;
    expect((await keys('rotate')).code).toBe(0);

    worker = await startLocalWorker({ envFile, persistTo, port });
    const remote = ['publish', '--remote', '--url', worker.url, '--operator-token-file', tokenFile, '--secrets-env-file', envFile];
    const currentList = async (): Promise<TrustList> => {
      const res = await fetch(`${worker!.url}/v1/trust-list`);
      const verified = await verifyTrustList(new Uint8Array(await res.arrayBuffer()), { rootPublicKey: rootKey });
      if (!verified.ok) throw new Error(`trust list does not verify: ${verified.reason}`);
      return verified.list;
    };

    // First publication: the Worker has no root yet, so TRUST_ROOT_PUBLIC_KEY goes in too.
    const first = await keys(...remote);
    expect(first.code, first.stderr).toBe(0);
    expect(worker.restarts).toBe(2); // TRUST_ROOT_PUBLIC_KEY, then SIGNING_KEYS
    const v1 = await currentList();
    expect(v1.version).toBe(1);
    expect(v1.keys.map((k) => [toHex(k.kid), k.state])).toEqual([[a, 'active']]);

    // The Worker signs with the key the list names.
    const secret = await signInDevIdentity(fetch, worker.url, 'gen-remote-0001', {
      symptoms: false,
      contactWithCase: false,
      fromHighRiskArea: false,
    });
    const fetchedA = await fetch(`${worker.url}/v1/holders/me/token`, { headers: { authorization: `Bearer ${secret}` } });
    expect(fetchedA.status).toBe(200);
    const { token: tokenA } = (await fetchedA.json()) as { token: string };
    const now = () => Math.floor(Date.now() / 1000);
    const byA = await verifyToken(tokenA, { keys: v1.keys, now: now() });
    expect(byA.ok && toHex(byA.key.kid)).toBe(a);

    // Rotation: B in, A retired. A stays on the Worker until the list naming B is installed.
    const b = /signing key ([0-9a-f]{16})/.exec((await keys('signing', 'new')).stdout)![1]!;
    expect((await keys('rotate', '--immediate')).code).toBe(0);
    const second = await keys(...remote);
    expect(second.code, second.stderr).toBe(0);
    expect(worker.restarts).toBe(4);
    const signingKidsAt = (i: number) => Object.keys(JSON.parse(readDotenvValue(worker!.applied[i]!, 'SIGNING_KEYS')!) as object).sort();
    expect(signingKidsAt(2)).toEqual([a, b].sort()); // while the list naming B is installed
    expect(signingKidsAt(3)).toEqual([b]); // afterwards
    const v2 = await currentList();
    expect(v2.version).toBe(2);
    expect(v2.keys.map((k) => [toHex(k.kid), k.state])).toEqual([
      [a, 'retired'],
      [b, 'active'],
    ]);
    expect(Object.keys(JSON.parse(readDotenvValue(await readFile(envFile, 'utf8'), 'SIGNING_KEYS')!) as object)).toEqual([b]);
    expect(readDotenvValue(await readFile(envFile, 'utf8'), 'TRUST_ROOT_PUBLIC_KEY')).toBe(toBase64Url(rootKey));

    // A's token still verifies under the new list; a fresh token comes from B.
    expect((await verifyToken(tokenA, { keys: v2.keys, now: now() })).ok).toBe(true);
    const fresh = await fetch(`${worker.url}/v1/holders/me/token`, { headers: { authorization: `Bearer ${secret}` } });
    const { token: tokenB } = (await fresh.json()) as { token: string };
    const byB = await verifyToken(tokenB, { keys: v2.keys, now: now() });
    expect(byB.ok && toHex(byB.key.kid)).toBe(b);

    // A wrong operator token is refused by the Worker, and the CLI says so.
    await writeFile(tokenFile, 'not-a-valid-operator-token\n');
    const refused = await keys(...remote);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[install_rejected]');
    expect((await currentList()).version).toBe(2);

    const printed = outputs.map((r) => r.stdout + r.stderr).join('\n');
    expect(printed).not.toContain(PASSPHRASE);
    expect(printed).not.toContain(operatorToken);
  });
});
