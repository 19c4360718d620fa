// Remote publish (`keys publish --remote`): the deployed Worker gets its secrets through a
// SecretSink (`wrangler secret put`) and the list through PUT /v1/admin/trust-list with an
// operator token (docs/architecture.md). Order matters for zero downtime:
//   0. TRUST_ROOT_PUBLIC_KEY, if the Worker has no list yet (first publication)
//   1. SIGNING_KEYS = next + active + the key still signing until the new list lands
//   2. PUT the list (the Worker checks root, version and that it holds the active seed)
//   3. SIGNING_KEYS = next + active only: retired and revoked seeds leave the Worker
//   4. GET the list back and compare bytes.

import { bytesEqual, fromBase64Url, verifyTrustList } from '../../src/index.ts';
import type { SecretSink } from '../environment.ts';
import { KeysError } from '../errors.ts';
import type { Reporter } from '../progress.ts';
import type { PreparedPublication, PublishTarget } from './publish.ts';

export interface RemoteTargetOptions {
  url: string;
  operatorToken: string;
  rootPublicKey: string;
  sink: SecretSink;
  reporter: Reporter;
  timeoutMs?: number;
  readBackTimeoutMs?: number;
}

export function assertSafeWorkerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KeysError('bad_url', `not a URL: ${raw}`, 2);
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  // The operator token must never cross a network in clear text.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new KeysError('bad_url', 'the Worker URL must be https (plain http only on loopback)', 2);
  return url;
}

export function remoteTarget(options: RemoteTargetOptions): PublishTarget {
  const base = assertSafeWorkerUrl(options.url);
  const endpoint = (path: string) => new URL(path, base).toString();
  const timeout = () => AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const { reporter, sink } = options;
  let nothingInstalled = false;

  async function fetchCurrent(): Promise<Uint8Array | undefined> {
    const res = await fetch(endpoint('/v1/trust-list'), { signal: timeout(), headers: { accept: 'application/cose' } });
    if (res.status === 404) return undefined;
    if (res.status === 503 || res.status === 500) {
      // A Worker with no list yet answers 503 trust_list_unavailable; one that has never been
      // given TRUST_ROOT_PUBLIC_KEY answers 500 misconfigured naming it. Both mean: first publication.
      const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      if (body.error?.code === 'trust_list_unavailable') return undefined;
      if (body.error?.code === 'misconfigured' && body.error.message?.includes('TRUST_ROOT_PUBLIC_KEY')) return undefined;
    }
    if (!res.ok) throw new KeysError('remote_failed', `GET /v1/trust-list answered ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  return {
    kind: 'remote',
    async installed() {
      const bytes = await reporter.step(`fetching the installed trust list from ${base.origin}`, fetchCurrent);
      nothingInstalled = bytes === undefined;
      if (!bytes) return { version: 0 };
      const result = await verifyTrustList(bytes, { rootPublicKey: fromBase64Url(options.rootPublicKey) });
      if (!result.ok)
        throw new KeysError(
          'remote_root_mismatch',
          `the Worker at ${base.origin} serves a trust list this keystore's root did not sign (${result.reason}): wrong URL or wrong keystore?`,
        );
      return { version: result.list.version, newest: bytes };
    },
    async install(p: PreparedPublication) {
      const transitional = JSON.stringify(p.transitionalSigningKeys);
      const final = JSON.stringify(p.signingKeys);
      // First publication to this Worker: it needs the root public key to accept any list.
      if (nothingInstalled) await sink.put('TRUST_ROOT_PUBLIC_KEY', p.rootPublicKey);
      await sink.put('SIGNING_KEYS', transitional);
      await reporter.step(`PUT /v1/admin/trust-list (v${p.list.version})`, () => putList(p.cose));
      if (final !== transitional) await sink.put('SIGNING_KEYS', final);
      await reporter.step('reading the trust list back', () => waitUntilServed(p.cose, p.list.version));
    },
  };

  /** Other isolates keep their verified list for up to 30 s (and HTTP caches up to max-age), so poll, bounded. */
  async function waitUntilServed(cose: Uint8Array, version: number): Promise<void> {
    const deadline = Date.now() + (options.readBackTimeoutMs ?? 45_000);
    for (;;) {
      const served = await fetchCurrent();
      if (served && bytesEqual(served, cose)) return;
      if (Date.now() >= deadline)
        throw new KeysError('remote_mismatch', `the Worker still does not serve trust list v${version} after installing it`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  async function putList(cose: Uint8Array): Promise<void> {
    const res = await fetch(endpoint('/v1/admin/trust-list'), {
      method: 'PUT',
      signal: timeout(),
      headers: { authorization: `Bearer ${options.operatorToken}`, 'content-type': 'application/cose' },
      body: cose as Uint8Array<ArrayBuffer>,
    });
    if (res.ok) return;
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    const code = body.error?.code ?? 'unknown';
    const hint = code === 'signing_key_missing' ? " (the Worker does not have the active key's seed in SIGNING_KEYS yet)" : '';
    throw new KeysError(
      'install_rejected',
      `the Worker refused the trust list: ${res.status} ${code}: ${body.error?.message ?? ''}${hint}`,
    );
  }
}
