// `npm run wrangler -- <args>`: wrangler with telemetry and network lookups switched off.
import { spawn } from 'node:child_process';
import { WRANGLER_BIN } from './lib/local-worker.ts';
import { applyOfflineEnv } from './lib/offline-env.ts';

const child = spawn(process.execPath, [WRANGLER_BIN, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: applyOfflineEnv({ ...process.env }),
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
