// Runs wrangler as a child process with the offline environment (scripts/offline-env.ts), a
// progress line, a time limit, and the output kept back unless it fails. A secret goes in on
// stdin, never in argv, and is redacted from anything we print.

import { spawn } from 'node:child_process';
import { KeysError } from '../../keys/errors.ts';
import type { Reporter } from '../../keys/progress.ts';
import { WRANGLER_BIN } from './local-worker.ts';
import { applyOfflineEnv } from './offline-env.ts';

// scripts/dev.ts starts `wrangler dev` itself and takes the path from here.
export { WRANGLER_BIN };

const MAX_OUTPUT = 1024 * 1024;

export interface WranglerRun {
  cwd: string;
  label: string;
  reporter: Reporter;
  /** Written to stdin, then stdin is closed. */
  input?: string;
  timeoutMs?: number;
}

export async function runWrangler(args: readonly string[], run: WranglerRun): Promise<string> {
  return run.reporter.step(run.label, () => spawnWrangler(args, run));
}

function spawnWrangler(args: readonly string[], run: WranglerRun): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_BIN, ...args], {
      cwd: run.cwd,
      env: applyOfflineEnv({ ...process.env, CI: '1', FORCE_COLOR: '0' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString('utf8')).slice(-MAX_OUTPUT)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-MAX_OUTPUT)));
    const timer = setTimeout(() => child.kill('SIGTERM'), run.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new KeysError('wrangler_failed', `${run.label}: could not start wrangler (${e.message})`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(stdout);
      const tail = redact(`${stderr}\n${stdout}`, run.input).trim().split('\n').slice(-12).join('\n');
      reject(new KeysError('wrangler_failed', `${run.label}: wrangler exited with ${code ?? signal}\n${tail}`));
    });
    child.stdin.end(run.input ?? '');
  });
}

function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}
