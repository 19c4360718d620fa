// `npm run dev` (scripts/dev.ts) from nothing: first-run keys and tokens in a temporary .dev,
// migrations, a published trust list, wrangler dev answering /healthz on a free loopback port,
// the seeded dev operator and dev auditor signing in to the console at the dev provider,
// and a Ctrl-C (SIGINT to its process group) that leaves no wrangler or workerd process behind.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { beginStaffSignIn, CookieJar, finishSignIn, signInAtProvider } from '../../scripts/lib/dev-sign-in.ts';
import { readDotenvValue } from '../../scripts/lib/dev-vars.ts';
import { freeLoopbackPort } from '../../scripts/lib/local-worker.ts';
import { fromBase64Url, verifyTrustList } from '../../src/index.ts';
import { REPO_ROOT, tempDir } from '../keys/helpers.ts';

/** Live processes as [pid, pgid, comm], read from /proc. */
function processes(): { pid: number; pgid: number; comm: string }[] {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (fields[0] === 'Z') continue; // a zombie is already dead
      out.push({ pid: Number(entry), pgid: Number(fields[2]), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('npm run dev', () => {
  it('starts from nothing, serves /healthz, and stops on SIGINT with no workerd left', { timeout: 120_000 }, async () => {
    const dir = await tempDir('tricolor-dev-');
    const devDir = join(dir, '.dev');
    const devVars = join(dir, '.dev.vars');
    const [port, inspectorPort, oidcPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
    const args = [
      'scripts/dev.ts',
      '--port',
      String(port),
      '--oidc-port',
      String(oidcPort),
      '--inspector-port',
      String(inspectorPort),
      '--dev-dir',
      devDir,
      '--dev-vars',
      devVars,
      '--persist-to',
      join(dir, 'state'),
      '--skip-web-build',
    ];
    const dev = spawn(process.execPath, args, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    dev.stdout.on('data', (d: Buffer) => (output += d.toString()));
    dev.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => dev.on('exit', (code) => resolve(code)));
    const groups = [dev.pid!];
    try {
      await until(
        '/healthz',
        () =>
          fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
            (r) => (r.ok ? true : undefined),
            () => undefined,
          ),
        90_000,
      );
      groups.push(Number(/wrangler dev started \(process group (\d+)\)/.exec(output)![1]));
      // The thing that must not be orphaned is really there, in wrangler's group.
      expect(processes().some((p) => p.pgid === groups[1] && p.comm === 'workerd')).toBe(true);
      // The dev identity provider runs in a group of its own, and answers discovery.
      groups.push(Number(/dev identity provider at \S+ \(process group (\d+)\)/.exec(output)![1]));
      const discovery = (await (await fetch(`http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`)).json()) as Record<
        string,
        unknown
      >;
      expect(discovery.tricolor_dev_provider).toBe(true);

      // First-run material: secrets 0600 in .dev, only token hashes in .dev.vars.
      for (const name of ['passphrase', 'operator-token', 'auditor-token'])
        expect((await stat(join(devDir, name))).mode & 0o777).toBe(0o600);
      const vars = await readFile(devVars, 'utf8');
      const operatorToken = (await readFile(join(devDir, 'operator-token'), 'utf8')).trim();
      expect(vars).not.toContain(operatorToken);
      const tokens = JSON.parse(readDotenvValue(vars, 'OPERATOR_TOKENS')!) as { role: string; sha256: string }[];
      expect(tokens).toContainEqual(
        expect.objectContaining({ role: 'operator', sha256: createHash('sha256').update(operatorToken).digest('hex') }),
      );
      expect(fromBase64Url(readDotenvValue(vars, 'ID_HMAC_KEY')!).length).toBe(32);

      // The Worker serves a trust list signed by the dev root, naming an active key.
      const root = JSON.parse(await readFile(join(devDir, 'root-public.json'), 'utf8')) as { publicKey: string };
      const res = await fetch(`http://127.0.0.1:${port}/v1/trust-list`);
      const verified = await verifyTrustList(new Uint8Array(await res.arrayBuffer()), { rootPublicKey: fromBase64Url(root.publicKey) });
      expect(verified.ok && verified.list.keys.map((k) => k.state)).toEqual(['active']);

      // The seeded staff sign in to the console at the dev provider, each with their role.
      for (const [login, role] of [
        ['dev-operator', 'operator'],
        ['dev-auditor', 'auditor'],
      ]) {
        const worker = `http://127.0.0.1:${port}`;
        const start = await beginStaffSignIn(fetch, worker);
        const callback = await finishSignIn(fetch, await signInAtProvider(start.authorizeUrl, login!), start.workerJar);
        expect(callback.headers.get('location')).toBe('/console');
        const jar = new CookieJar();
        jar.take(callback);
        const session = await fetch(`${worker}/v1/admin/session`, { headers: { cookie: `tc_staff=${jar.get('tc_staff')}` } });
        expect(await session.json()).toMatchObject({ role });
      }
    } finally {
      process.kill(-dev.pid!, 'SIGINT'); // what Ctrl-C does: the terminal signals the foreground group
    }
    expect(await exited).toBe(0);
    const survivors = await until(
      'every process of both groups to exit',
      () => {
        const left = processes().filter((p) => groups.includes(p.pgid));
        return left.length === 0 ? [] : undefined;
      },
      15_000,
    ).catch(() => processes().filter((p) => groups.includes(p.pgid)));
    expect(survivors).toEqual([]);
    expect(output).toContain('no wrangler or workerd process left');
  });
});
