// `keys publish`: sign a new trust list with the root and install it locally or on a Worker.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, type CommandInput, stringOption } from '../command.ts';
import { parseDuration } from '../duration.ts';
import { usageError } from '../errors.ts';
import { readStateUnverified } from '../keystore/keystore.ts';
import { publish } from '../operations.ts';
import { DEFAULT_NEXT_UPDATE_SECONDS } from '../publication/plan.ts';
import { assertSafeWorkerUrl, remoteTarget } from '../publication/target-remote.ts';
import { storeAccess, storeDirOf } from './access.ts';

export const publishCommand: Command = {
  words: ['publish'],
  summary: 'Sign a new trust list (version +1) with the root key, verify it back, and install it.',
  usage: 'keys publish [--local | --remote --url <worker url> --operator-token-file <path>] [--next-update <duration>]',
  details: `Options:
  --next-update <duration>      when verifiers should refresh (default 24h)
  --local                       (default) for \`npm run dev\`: SIGNING_KEYS and TRUST_ROOT_PUBLIC_KEY into
                                .dev.vars, the list into the local D1 (wrangler d1 execute DB --local)
    --dev-vars <path>           default: .dev.vars next to wrangler.toml
    --persist-to <dir>          local D1 persistence directory (default: wrangler's .wrangler/state)
  --remote                      for a deployed Worker: wrangler secret put SIGNING_KEYS (value on stdin),
                                then PUT <url>/v1/admin/trust-list with the operator token
    --url <worker url>          https://… (plain http only on loopback)
    --operator-token-file <p>   file holding an operator-role token
    --wrangler-env <name>       wrangler --env for \`secret put\`
    --secrets-env-file <path>   LOCAL STAND-IN for \`wrangler secret put\`, for testing against a local
                                wrangler dev: write secrets into this env file and wait until its SHA-256
                                appears in <path>.applied (see docs/operations.md)
  --config <path>               wrangler config (default: the repository's wrangler.toml)
  --after-restore               the keystore was restored from a backup older than the installed list:
                                take over the installed list's revocations (and retire keys whose seeds
                                are gone) instead of refusing with keystore_outdated (docs/operations.md)

Refuses (stable codes, recovery in docs/operations.md) a keystore behind the installed list
(keystore_outdated), a list not issued after it (older_than_installed), and a list that drops or
un-revokes a key the installed list revokes (revoked_key_dropped, revoked_key_unrevoked).
Retired keys whose last token has expired are pruned first. Only next and active seeds go to the
Worker; retired and revoked seeds are removed from it and from the keystore.`,
  options: {
    local: { type: 'boolean' },
    remote: { type: 'boolean' },
    url: { type: 'string' },
    'operator-token-file': { type: 'string' },
    'next-update': { type: 'string' },
    'dev-vars': { type: 'string' },
    'persist-to': { type: 'string' },
    'wrangler-env': { type: 'string' },
    'secrets-env-file': { type: 'string' },
    config: { type: 'string' },
    'after-restore': { type: 'boolean' },
  },
  async run(input) {
    const v = input.values;
    if (v.local && v.remote) throw usageError('choose --local or --remote, not both');
    const nextUpdate = stringOption(v, 'next-update');
    const nextUpdateSeconds = nextUpdate ? parseDuration(nextUpdate, '--next-update') : DEFAULT_NEXT_UPDATE_SECONDS;
    if (v.remote) await publishRemote(input, nextUpdateSeconds);
    else await publishLocal(input, nextUpdateSeconds);
  },
};

async function publishLocal(input: CommandInput, nextUpdateSeconds: number): Promise<void> {
  for (const remoteOnly of ['url', 'operator-token-file', 'wrangler-env', 'secrets-env-file']) {
    if (input.values[remoteOnly] !== undefined) throw usageError(`--${remoteOnly} goes with --remote`);
  }
  const cwd = input.environment.repoRoot();
  const configPath = stringOption(input.values, 'config') ?? join(cwd, 'wrangler.toml');
  const persistTo = stringOption(input.values, 'persist-to');
  const access = await storeAccess(input);
  const target = input.environment.localTarget({
    cwd,
    configPath,
    devVarsPath: stringOption(input.values, 'dev-vars') ?? join(cwd, '.dev.vars'),
    ...(persistTo ? { persistTo } : {}),
    now: input.now,
    reporter: input.reporter,
  });
  const outcome = await publish(access, target, nextUpdateSeconds, { afterRestore: input.values['after-restore'] === true });
  printOutcome(input, outcome, 'the local D1');
  if (target.secretsChanged) input.print('SIGNING_KEYS changed in .dev.vars: restart `npm run dev` (wrangler dev reads it only at start)');
}

async function publishRemote(input: CommandInput, nextUpdateSeconds: number): Promise<void> {
  const url = stringOption(input.values, 'url');
  const tokenFile = stringOption(input.values, 'operator-token-file');
  if (!url || !tokenFile) throw usageError('--remote needs --url <worker url> and --operator-token-file <path>');
  for (const localOnly of ['dev-vars', 'persist-to'])
    if (input.values[localOnly] !== undefined) throw usageError(`--${localOnly} goes with --local`);
  assertSafeWorkerUrl(url);
  const operatorToken = (await readFile(tokenFile, 'utf8')).trim();
  if (!operatorToken) throw usageError(`${tokenFile} is empty`);
  const cwd = input.environment.repoRoot();
  const state = await readStateUnverified(storeDirOf(input)); // root public key, to check what the Worker serves
  const access = await storeAccess(input);
  const envFile = stringOption(input.values, 'secrets-env-file');
  const wranglerEnv = stringOption(input.values, 'wrangler-env');
  const sink = envFile
    ? input.environment.envFileSecretSink(envFile, input.reporter)
    : input.environment.wranglerSecretSink({
        cwd,
        configPath: stringOption(input.values, 'config') ?? join(cwd, 'wrangler.toml'),
        reporter: input.reporter,
        ...(wranglerEnv ? { wranglerEnv } : {}),
      });
  const target = remoteTarget({ url, operatorToken, rootPublicKey: state.root.publicKey, sink, reporter: input.reporter });
  const outcome = await publish(access, target, nextUpdateSeconds, { afterRestore: input.values['after-restore'] === true });
  printOutcome(input, outcome, url);
}

function printOutcome(input: CommandInput, outcome: Awaited<ReturnType<typeof publish>>, where: string): void {
  input.print(
    `trust list v${outcome.list.version} installed in ${where}; next update due ${new Date(outcome.list.nextUpdate * 1000).toISOString()}`,
  );
  input.print(
    outcome.activeKid ? `active signing key: ${outcome.activeKid}` : 'WARNING: no active signing key: the Worker cannot issue tokens',
  );
  if (outcome.pruned.length > 0) input.print(`pruned expired retired keys: ${outcome.pruned.join(', ')}`);
  if (outcome.removedSeeds.length > 0) input.print(`seeds no longer on the Worker or in the keystore: ${outcome.removedSeeds.join(', ')}`);
}
