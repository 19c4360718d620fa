// What the key CLI needs from the machine it runs on, passed in rather than imported: the
// repository root, a publish target for the local development D1, and the places a remote publish
// can put Worker secrets. The wrangler-backed implementations live in scripts/lib/ (the CLI's
// entry point, scripts/keys.ts, wires them in), so keys/ itself never spawns wrangler.

import type { Reporter } from './progress.ts';
import type { PublishTarget } from './publication/publish.ts';

/** Where Worker secrets go on a remote publish. */
export interface SecretSink {
  readonly description: string;
  /** Sets the secret and returns once the Worker runs with it (as `wrangler secret put` does). */
  put(name: string, value: string): Promise<void>;
}

export interface LocalTargetOptions {
  cwd: string;
  configPath: string;
  devVarsPath: string;
  persistTo?: string;
  now: number;
  reporter: Reporter;
}

export interface KeysEnvironment {
  /** The repository root: where wrangler.toml and .dev.vars live. */
  repoRoot(): string;
  /** `keys publish --local`: the development Worker's .dev.vars and local D1. */
  localTarget(options: LocalTargetOptions): PublishTarget & { secretsChanged: boolean };
  /** `keys publish --remote`: `wrangler secret put` against a deployed Worker. */
  wranglerSecretSink(options: { cwd: string; configPath: string; wranglerEnv?: string; reporter: Reporter }): SecretSink;
  /** `keys publish --remote --secrets-env-file`: the local stand-in for `wrangler secret put`. */
  envFileSecretSink(file: string, reporter: Reporter): SecretSink;
}
