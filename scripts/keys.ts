// `npm run keys -- <command>`: the operator key CLI (keys/cli.ts) with this machine's parts wired
// in: the repository root, the local development D1 target and the wrangler secret sinks.

import { main } from '../keys/cli.ts';
import type { KeysEnvironment } from '../keys/environment.ts';
import { repoRoot } from './lib/repo-root.ts';
import { envFileSecretSink, wranglerSecretSink } from './lib/secret-sinks.ts';
import { localTarget } from './lib/target-local.ts';

export const keysEnvironment: KeysEnvironment = { repoRoot, localTarget, wranglerSecretSink, envFileSecretSink };

if (import.meta.main) process.exitCode = await main(process.argv.slice(2), keysEnvironment);
