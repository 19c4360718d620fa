// The SecretSinks (keys/environment.ts) of a remote publish. The real one is `wrangler secret put NAME`, with
// the value on stdin (never argv, never logged). The other is a local stand-in, used only
// because `wrangler secret put` needs a Cloudflare account, which tests here cannot reach.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SecretSink } from '../../keys/environment.ts';
import { KeysError } from '../../keys/errors.ts';
import type { Reporter } from '../../keys/progress.ts';
import { updateDotenvFile } from './dev-vars.ts';
import { runWrangler } from './wrangler-exec.ts';

export function wranglerSecretSink(options: { cwd: string; configPath: string; wranglerEnv?: string; reporter: Reporter }): SecretSink {
  return {
    description: 'wrangler secret put',
    async put(name, value) {
      const args = ['secret', 'put', name, '--config', options.configPath];
      if (options.wranglerEnv) args.push('--env', options.wranglerEnv);
      await runWrangler(args, { cwd: options.cwd, input: value, label: `wrangler secret put ${name}`, reporter: options.reporter });
    },
  };
}

/**
 * LOCAL STAND-IN for `wrangler secret put`, for running the remote flow against a local
 * `wrangler dev` (which reads secrets only from an env file at start). It writes the secret
 * into `file` (dotenv, 0600) and then waits until whoever runs that `wrangler dev` has restarted
 * it with the new file and acknowledged by writing the file's SHA-256 (hex) into `file.applied`,
 * the way the real command returns only once the new Worker version is deployed.
 */
export function envFileSecretSink(file: string, reporter: Reporter, ackTimeoutMs = 90_000): SecretSink {
  return {
    description: `local stand-in for wrangler secret put (env file ${file})`,
    async put(name, value) {
      await updateDotenvFile(file, { [name]: value });
      const digest = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
      await reporter.step(`local secret ${name} written; waiting for wrangler dev to restart with it`, () =>
        waitForAck(`${file}.applied`, digest, ackTimeoutMs),
      );
    },
  };
}

async function waitForAck(ackFile: string, digest: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ack = await readFile(ackFile, 'utf8').catch(() => '');
    if (ack.trim() === digest) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new KeysError('secret_not_applied', `no acknowledgement in ${ackFile} within ${timeoutMs / 1000} s`);
}
