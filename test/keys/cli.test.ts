// The key CLI end to end, as an operator runs it: `node scripts/keys.ts ...` in a temporary keystore,
// publishing into a temporary local D1 through the real wrangler.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../keys/cli.ts';
import { silentReporter } from '../../keys/progress.ts';
import { readDotenvValue } from '../../scripts/lib/dev-vars.ts';
import { queryLocalD1 } from '../../scripts/lib/local-d1.ts';
import { runWrangler } from '../../scripts/lib/wrangler-exec.ts';
import { fromBase64Url, fromHex, verifyTrustList } from '../../src/index.ts';
import { type CliRun, REPO_ROOT, runCli, tempDir } from './helpers.ts';

const PASSPHRASE = 'cli test passphrase 7f3a';
let dir: string;
let store: string;
let env: NodeJS.ProcessEnv;
const transcript: CliRun[] = [];

async function keys(...args: string[]): Promise<CliRun> {
  const run = await runCli([...args, '--store', store], env);
  transcript.push(run);
  return run;
}

beforeAll(async () => {
  dir = await tempDir();
  store = join(dir, 'keystore');
  env = { TRICOLOR_PASSPHRASE: PASSPHRASE };
});

describe('keys CLI', () => {
  it('prints help for every command and exits 0', { timeout: 30_000 }, async () => {
    for (const command of COMMANDS) {
      const run = await runCli([...command.words, '--help']);
      expect({ command: command.words, code: run.code }).toEqual({ command: command.words, code: 0 });
      expect(run.stdout).toContain(`usage: keys ${command.words.join(' ')}`);
    }
    expect((await runCli([])).stdout).toContain('Commands:');
  });

  it('exits 2 on an unknown command or a missing argument', { timeout: 30_000 }, async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['root', 'init', '--store', join(dir, 'x')], env)).code).toBe(2); // no --issuer
    expect((await runCli(['publish', '--local', '--remote'], env)).code).toBe(2);
  });

  it('refuses a keystore inside the repository', { timeout: 30_000 }, async () => {
    const run = await runCli(['root', 'init', '--issuer', 'ZJ', '--store', join(REPO_ROOT, 'keys', 'store')], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[store_in_repo]');
  });

  it('walks root init, signing new, rotate, publish --local, revoke and list', { timeout: 90_000 }, async () => {
    const publicOut = join(dir, 'root-public.json');
    const init = await keys('root', 'init', '--issuer', 'ZJ', '--public-out', publicOut);
    expect(init.code).toBe(0);
    const rootPublic = JSON.parse(await readFile(publicOut, 'utf8')) as { publicKey: string; kid: string };
    expect(Object.keys(rootPublic).sort()).toEqual(['kid', 'publicKey']);
    expect((await stat(join(store, 'root.key.json'))).mode & 0o777).toBe(0o600);
    expect(init.stderr).toMatch(/scrypt/); // a progress line for the slow step

    const early = await keys('rotate');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('[no_next_key]');

    const created = await keys('signing', 'new');
    expect(created.code).toBe(0);
    const kid = /signing key ([0-9a-f]{16})/.exec(created.stdout)![1]!;
    expect((await keys('rotate')).code).toBe(0);

    const persistTo = join(dir, 'd1');
    await runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], {
      cwd: REPO_ROOT,
      label: 'migrations',
      reporter: silentReporter,
    });
    const devVars = join(dir, '.dev.vars');
    const published = await keys('publish', '--local', '--dev-vars', devVars, '--persist-to', persistTo, '--next-update', '12h');
    expect(published.code, published.stderr).toBe(0);
    expect(published.stderr).toMatch(/installing trust list v1 into the local D1/);

    const vars = await readFile(devVars, 'utf8');
    expect(readDotenvValue(vars, 'TRUST_ROOT_PUBLIC_KEY')).toBe(rootPublic.publicKey);
    const seeds = JSON.parse(readDotenvValue(vars, 'SIGNING_KEYS')!) as Record<string, string>;
    expect(Object.keys(seeds)).toEqual([kid]);

    const rows = await queryLocalD1(
      { cwd: REPO_ROOT, configPath: join(REPO_ROOT, 'wrangler.toml'), persistTo, reporter: silentReporter },
      'SELECT version, hex(cose) AS cose FROM trust_lists',
      'read',
    );
    expect(rows).toHaveLength(1);
    const verified = await verifyTrustList(fromHex(String(rows[0]!.cose)), { rootPublicKey: fromBase64Url(rootPublic.publicKey) });
    expect(verified.ok && verified.list).toMatchObject({ version: 1, issuer: 'ZJ', keys: [{ state: 'active' }] });
    if (verified.ok) expect(verified.list.nextUpdate - verified.list.issuedAt).toBe(12 * 3600);

    expect((await keys('revoke', kid)).code).toBe(2); // --reason is required
    const revoked = await keys('revoke', kid, '--reason', 'laptop stolen');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('no key is active now');
    const listed = await keys('list');
    expect(listed.stdout).toMatch(new RegExp(`${kid}\\s+revoked .*laptop stolen`));

    const noPassphrase = await runCli(['signing', 'new', '--store', store], {});
    expect(noPassphrase.code).toBe(1);
    expect(noPassphrase.stderr).toContain('[no_passphrase]');
    const wrong = await runCli(['signing', 'new', '--store', store], { TRICOLOR_PASSPHRASE: 'not the passphrase' });
    expect(wrong.stderr).toContain('[wrong_passphrase]');

    // Nothing the CLI printed, on any run, contains the passphrase or a seed.
    const printed = transcript.map((r) => r.stdout + r.stderr).join('\n');
    expect(printed).not.toContain(PASSPHRASE);
    for (const seed of Object.values(seeds)) expect(printed).not.toContain(seed);
  });
});
