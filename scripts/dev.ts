// `npm run dev`: the whole service locally (README quick start). First run makes the dev keys and
// tokens (keys/dev-setup.ts); every run applies the D1 migrations, publishes a trust list when the
// local D1 needs one, builds the PWA, then runs `wrangler dev` in its own process group and
// forwards Ctrl-C/SIGTERM to that group so no workerd is left behind. The dev identity provider
// (scripts/dev-oidc.ts, docs/identity.md) runs beside it in a process group of its own.
//
// Options (after `npm run dev --`): --port <n> (8787), --oidc-port <n> (8790), --inspector-port <n>, --dev-dir <dir> (.dev),
// --dev-vars <file> (.dev.vars), --persist-to <dir> (wrangler's .wrangler/state), --skip-web-build.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { KeysError } from '../keys/errors.ts';
import { readStateUnverified } from '../keys/keystore/keystore.ts';
import { publish } from '../keys/operations.ts';
import { createReporter } from '../keys/progress.ts';
import { DEFAULT_NEXT_UPDATE_SECONDS } from '../keys/publication/plan.ts';
import { STAFF_SIGN_IN_CALLBACK_PATH } from '../src/api.ts';
import { type DevIdentityVars, ensureDevIdentityVars } from './lib/dev-identity-vars.ts';
import { ensureDevMaterial } from './lib/dev-setup.ts';
import { readDotenvValue, readTextIfExists } from './lib/dev-vars.ts';
import { type LocalD1Target, localTrustListVersion } from './lib/local-d1.ts';
import { d1Bindings } from './lib/local-worker.ts';
import { applyOfflineEnv } from './lib/offline-env.ts';
import { repoRoot } from './lib/repo-root.ts';
import { localTarget } from './lib/target-local.ts';
import { runWrangler, WRANGLER_BIN } from './lib/wrangler-exec.ts';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    'oidc-port': { type: 'string', default: '8790' },
    'inspector-port': { type: 'string' },
    'dev-dir': { type: 'string' },
    'dev-vars': { type: 'string' },
    'persist-to': { type: 'string' },
    'skip-web-build': { type: 'boolean' },
  },
});

const root = repoRoot();
const configPath = join(root, 'wrangler.toml');
const devDir = resolve(opts['dev-dir'] ?? join(root, '.dev'));
const devVars = resolve(opts['dev-vars'] ?? join(root, '.dev.vars'));
const persistTo = opts['persist-to'] ? resolve(opts['persist-to']) : undefined;
const reporter = createReporter((line) => process.stdout.write(`dev: ${line}\n`));
const d1: LocalD1Target = { cwd: root, configPath, reporter, ...(persistTo ? { persistTo } : {}) };

async function prepare(): Promise<{ operatorTokenFile: string; rootPublicFile: string; identity: DevIdentityVars }> {
  const now = Math.floor(Date.now() / 1000);
  const material = await ensureDevMaterial({ devDir, devVars, configPath }, now, reporter);
  const identity = await ensureDevIdentityVars(devVars, Number(opts.port), Number(opts['oidc-port']));
  // The home database and every holder database (wrangler.toml [[d1_databases]]).
  for (const binding of d1Bindings(readFileSync(configPath, 'utf8'))) {
    await runWrangler(
      ['d1', 'migrations', 'apply', binding, '--local', '--config', configPath, ...(persistTo ? ['--persist-to', persistTo] : [])],
      {
        cwd: root,
        label: `applying D1 migrations locally to ${binding}`,
        reporter,
      },
    );
  }
  if (await needsTrustList(material.access.dir, now)) {
    const target = localTarget({ ...d1, devVarsPath: devVars, now });
    const outcome = await publish(material.access, target, DEFAULT_NEXT_UPDATE_SECONDS);
    reporter.info(`trust list v${outcome.list.version} published locally (active key ${outcome.activeKid ?? 'none'})`);
  }
  await buildWeb(material.rootPublicFile);
  return { ...material, identity };
}

/** The dev identity provider in its own process group; resolves once its discovery answers. */
async function startDevProvider(identity: DevIdentityVars): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      join(root, 'scripts', 'dev-oidc.ts'),
      '--port',
      opts['oidc-port'],
      '--redirect-uri',
      identity.OIDC_REDIRECT_URI,
      // The console's staff sign-in (docs/console.md "Signing in"): the Worker's default, beside the holders' callback.
      '--redirect-uri',
      new URL(STAFF_SIGN_IN_CALLBACK_PATH, identity.OIDC_REDIRECT_URI).toString(),
    ],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEV_OIDC_CLIENT_SECRET: identity.OIDC_CLIENT_SECRET },
    },
  );
  for (let i = 0; i < 80 && child.exitCode === null; i++) {
    const up = await fetch(`${identity.OIDC_ISSUER}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  signalGroup(child.pid!, 'SIGTERM');
  throw new Error(`the dev identity provider did not start on port ${opts['oidc-port']} (is the port taken? --oidc-port <n>)`);
}

/** Publish when the local D1 has no list from this keystore, .dev.vars lost its keys, or the list is past nextUpdate. */
async function needsTrustList(storeDir: string, now: number): Promise<boolean> {
  const state = await readStateUnverified(storeDir);
  const vars = await readTextIfExists(devVars);
  if (!readDotenvValue(vars, 'SIGNING_KEYS') || readDotenvValue(vars, 'TRUST_ROOT_PUBLIC_KEY') !== state.root.publicKey) return true;
  if (!state.published || now >= state.published.nextUpdate) return true;
  return (await localTrustListVersion(d1)) < state.published.version;
}

async function buildWeb(rootPublicFile: string): Promise<void> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const skip = opts['skip-web-build']
    ? 'skipping the PWA build (--skip-web-build)'
    : pkg.scripts?.['build:web']
      ? undefined
      : 'no build:web script yet';
  if (skip) {
    // wrangler refuses to start without the [assets] directory, so keep an (empty) one.
    await mkdir(join(root, 'verifier-web', 'dist'), { recursive: true });
    return reporter.info(`${skip}: serving the API and whatever verifier-web/dist holds`);
  }
  await reporter.step('building the verifier PWA (npm run build:web)', () =>
    runQuiet('npm', ['run', 'build:web'], { ...process.env, TRICOLOR_ROOT_PUBLIC_KEY_FILE: rootPublicFile }),
  );
}

function runQuiet(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${output}`)),
    );
  });
}

function startWrangler(): ChildProcess {
  const args = [
    WRANGLER_BIN,
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    opts.port,
    '--config',
    configPath,
    '--show-interactive-dev-session=false',
  ];
  if (opts['inspector-port']) args.push('--inspector-port', opts['inspector-port']);
  if (persistTo) args.push('--persist-to', persistTo);
  // wrangler reads .dev.vars next to wrangler.toml by itself; any other file must be named.
  if (devVars !== join(root, '.dev.vars')) args.push('--env-file', devVars);
  // detached: its own process group (setsid), so the whole tree can be signalled at once.
  return spawn(process.execPath, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: applyOfflineEnv({ ...process.env }),
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** After wrangler exits, make sure nothing of its group (workerd above all) outlives it. */
async function reapGroup(pgid: number): Promise<void> {
  for (let i = 0; i < 100 && groupAlive(pgid); i++) {
    if (i === 30) signalGroup(pgid, 'SIGTERM');
    if (i === 80) signalGroup(pgid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function announceWhenReady(child: ChildProcess, operatorTokenFile: string, rootPublicFile: string): Promise<void> {
  const url = `http://127.0.0.1:${opts.port}`;
  for (let i = 0; i < 240 && child.exitCode === null; i++) {
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      reporter.info(`Tricolor is running at ${url}  (verifier ${url}/, wallet ${url}/wallet, API ${url}/v1/…)`);
      reporter.info(`operator token: ${operatorTokenFile}   auditor token: ${join(devDir, 'auditor-token')}`);
      reporter.info(`pinned root: ${rootPublicFile}   keys: npm run keys -- list --store ${join(devDir, 'keystore')}`);
      reporter.info(
        `dev identities: sign in from ${url}/wallet as wang-xiaoming (password tricolor-dev), or: npm run dev:enrol -- zhang-san`,
      );
      reporter.info('Ctrl-C stops everything');
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  const { operatorTokenFile, rootPublicFile, identity } = await prepare();
  const provider = await startDevProvider(identity);
  const providerGroup = provider.pid!;
  reporter.info(`dev identity provider at ${identity.OIDC_ISSUER} (process group ${providerGroup})`);
  const child = startWrangler();
  const pgid = child.pid!;
  reporter.info(`wrangler dev started (process group ${pgid})`);
  let stopping = false;
  let stoppingAt = 0;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // npm forwards the terminal's SIGINT too, so the same Ctrl-C can arrive twice at once;
      // only a later, separate Ctrl-C means "now".
      if (Date.now() - stoppingAt > 1000) signalGroup(pgid, 'SIGKILL');
      return;
    }
    stopping = true;
    stoppingAt = Date.now();
    reporter.info(`stopping (${signal})…`);
    signalGroup(pgid, signal);
    signalGroup(providerGroup, 'SIGTERM');
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGTERM'));
  child.on('exit', (code) => {
    signalGroup(providerGroup, 'SIGTERM');
    void Promise.all([reapGroup(pgid), reapGroup(providerGroup)]).then(() => {
      reporter.info(groupAlive(pgid) ? `WARNING: processes of group ${pgid} survived` : 'stopped; no wrangler or workerd process left');
      process.exit(stopping ? 0 : (code ?? 1));
    });
  });
  void announceWhenReady(child, operatorTokenFile, rootPublicFile);
}

main().catch((e: unknown) => {
  process.stderr.write(`dev: ${e instanceof KeysError ? `${e.message} [${e.code}]` : e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
