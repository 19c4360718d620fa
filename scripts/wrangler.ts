// `npm run wrangler -- <args>`: wrangler with telemetry and network lookups switched off.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { applyOfflineEnv } from './offline-env.ts';

// wrangler's package exports do not expose bin/, so resolve its package.json and walk from there.
const bin = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
const child = spawn(process.execPath, [bin, ...process.argv.slice(2)], { stdio: 'inherit', env: applyOfflineEnv({ ...process.env }) });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
