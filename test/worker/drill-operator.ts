// The two outside parties of the key drills (docs/operations.md), inside the Workers pool:
// - DrillOperator: the operator with the `keys` CLI. It runs the CLI's own state machine and
//   publication plan (keys/transitions.ts, keys/publication-plan.ts), signs with its own root, and
//   installs through the production route, PUT /v1/admin/trust-list. Its Worker "deployments" are
//   env objects: SIGNING_KEYS and TRUST_ROOT_PUBLIC_KEY as `wrangler secret put` would set them.
// - DrillVerifier: the PWA's verifier, built from src/ only: a pinned root, the last good trust
//   list (kept whenever a new one fails), verifyToken and the revocation feed.
import { env } from 'cloudflare:workers';
import type { KeystoreState } from '../../keys/keystore/state.ts';
import { buildTrustList, closeRetiredWindows, pruneExpiredKeys, recordPublication, workerSecretKids } from '../../keys/publication/plan.ts';
import { addNextKey, revokeKey, rotateKeys } from '../../keys/transitions.ts';
import {
  applyRevocationFeed,
  createSigner,
  generateSeed,
  type Signer,
  signTrustList,
  type TrustList,
  type TrustListResult,
  toBase64Url,
  toHex,
  type VerifyResult,
  verifyRevocationFeed,
  verifyToken,
  verifyTrustList,
  type WindowStatusSets,
} from '../../src/index.ts';
import { DAY } from './fixtures.ts';
import { enrol, type Harness, operatorToken, type TestEnv } from './helpers.ts';

export interface DrillPublication {
  list: TrustList;
  cose: Uint8Array;
  /** The Worker's secrets while the list is installed (keeps the key still signing). */
  transitionalEnv: TestEnv;
  /** The Worker's secrets afterwards: next and active seeds only. */
  env: TestEnv;
}

export class DrillOperator {
  readonly root: Signer;
  readonly seeds = new Map<string, Uint8Array>();
  state: KeystoreState;

  private constructor(root: Signer, now: number) {
    this.root = root;
    this.state = {
      issuer: env.ISSUER,
      maxTokenLifetimeSeconds: Number(env.TOKEN_LIFETIME_SECONDS),
      root: { kid: toHex(root.kid), publicKey: toBase64Url(root.publicKey), createdAt: now },
      keys: [],
    };
  }

  static async create(now: number): Promise<DrillOperator> {
    return new DrillOperator(await createSigner(generateSeed()), now);
  }

  /** `keys signing new` */
  async newSigningKey(now: number): Promise<string> {
    const seed = generateSeed();
    const signer = await createSigner(seed);
    const kid = toHex(signer.kid);
    this.state = addNextKey(this.state, { kid, publicKey: toBase64Url(signer.publicKey) }, now);
    this.seeds.set(kid, seed);
    return kid;
  }

  /** `keys rotate` */
  rotate(now: number, immediate = false): void {
    this.state = rotateKeys(this.state, now, { immediate }).state;
  }

  /** `keys revoke <kid> --reason …` */
  revoke(kid: string, reason: string, now: number): void {
    this.state = revokeKey(this.state, kid, reason, now).state;
  }

  /** `keys publish`: the same plan the CLI follows, signed with this operator's root. */
  async publish(now: number, nextUpdateSeconds = DAY): Promise<DrillPublication> {
    const stillSigning = this.state.published?.activeKid;
    const state = closeRetiredWindows(pruneExpiredKeys(this.state, now).state, now);
    // As the CLI does: one above both its own record and what the target holds (here every row
    // in this file's D1, including the setup's test-root list and other drills' lists).
    const installed = (await env.DB.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM trust_lists').first<{ v: number }>())!.v;
    const version = Math.max(this.state.published?.version ?? 0, installed) + 1;
    const list = buildTrustList(state, version, now, nextUpdateSeconds);
    const cose = await signTrustList(list, this.root);
    const finalKids = workerSecretKids(state);
    const transitionalKids = [...finalKids];
    if (stillSigning && state.keys.find((k) => k.kid === stillSigning)?.state === 'retired') transitionalKids.push(stillSigning);
    this.state = recordPublication(state, list, 'remote');
    return { list, cose, transitionalEnv: this.envWith(transitionalKids), env: this.envWith(finalKids) };
  }

  /** A Worker deployment holding these seeds and this operator's root. */
  envWith(kids: readonly string[]): TestEnv {
    const signingKeys = Object.fromEntries(kids.map((kid) => [kid, toBase64Url(this.seeds.get(kid)!)]));
    return { ...env, TRUST_ROOT_PUBLIC_KEY: toBase64Url(this.root.publicKey), SIGNING_KEYS: JSON.stringify(signingKeys) };
  }

  /** PUT /v1/admin/trust-list on the given deployment. */
  install(h: Harness, cose: Uint8Array, deployment: TestEnv): Promise<Response> {
    return h.call('PUT', '/v1/admin/trust-list', {
      body: cose as Uint8Array<ArrayBuffer>,
      contentType: 'application/cose',
      token: operatorToken(),
      env: deployment,
    });
  }

  /** publish, then install with the transitional secrets; returns the deployment to keep using. */
  async publishAndInstall(h: Harness, nextUpdateSeconds = DAY): Promise<DrillPublication> {
    const publication = await this.publish(h.clock.t, nextUpdateSeconds);
    const res = await this.install(h, publication.cose, publication.transitionalEnv);
    if (res.status !== 201) throw new Error(`install refused: ${res.status} ${await res.text()}`);
    return publication;
  }
}

export class DrillVerifier {
  readonly rootPublicKey: Uint8Array;
  list: TrustList | undefined;
  revocations: WindowStatusSets = new Map();

  constructor(rootPublicKey: Uint8Array) {
    this.rootPublicKey = rootPublicKey;
  }

  /** Offers a trust list; a failing one never replaces the last good list (docs/trust-list.md step 6). */
  async offer(bytes: Uint8Array): Promise<TrustListResult> {
    const result = await verifyTrustList(bytes, {
      rootPublicKey: this.rootPublicKey,
      ...(this.list ? { minimumVersion: this.list.version } : {}),
    });
    if (result.ok) this.list = result.list;
    return result;
  }

  /** GET /v1/trust-list, as the PWA syncs it. */
  async sync(h: Harness, deployment: TestEnv): Promise<TrustListResult> {
    const res = await h.call('GET', '/v1/trust-list', { env: deployment });
    return this.offer(new Uint8Array(await res.arrayBuffer()));
  }

  async syncRevocations(h: Harness, deployment: TestEnv): Promise<void> {
    const res = await h.call('GET', '/v1/revocations?since=0', { env: deployment });
    const verified = await verifyRevocationFeed(new Uint8Array(await res.arrayBuffer()), { keys: this.list!.keys, now: h.clock.t });
    if (!verified.ok) throw new Error(`feed: ${verified.reason}`);
    const applied = applyRevocationFeed(undefined, verified.feed, h.clock.t);
    if (!applied.ok) throw new Error(applied.reason);
    this.revocations = applied.state.sets;
  }

  verify(token: string, now: number): Promise<VerifyResult> {
    return verifyToken(token, { keys: this.list?.keys ?? [], revocations: this.revocations, now });
  }

  /** A copy frozen at this moment: a device that synced now and then went offline. */
  snapshot(): DrillVerifier {
    const copy = new DrillVerifier(this.rootPublicKey);
    copy.list = this.list;
    copy.revocations = this.revocations;
    return copy;
  }
}

/** The kid (hex) that verified a token, or the failure reason. */
export function verdict(result: VerifyResult): string {
  return result.ok ? `ok:${toHex(result.key.kid)}` : result.reason;
}

/** A holder enrolled on a given deployment (helpers.ts enrol): the secret and first token. */
export async function enrolOn(h: Harness, deployment: TestEnv): Promise<{ secret: string; token: string; holderId: string }> {
  return enrol(h, { name: 'Li Si', env: deployment });
}

/** GET /v1/holders/me/token on a given deployment. */
export function fetchToken(
  h: Harness,
  secret: string,
  deployment: TestEnv,
): Promise<{ status: number; body: { token: string; exp: number; error?: { code: string } } }> {
  return h.json('GET', '/v1/holders/me/token', { token: secret, env: deployment });
}
