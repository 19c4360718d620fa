// Ed25519 (RFC 8032) behind one small interface with three backends, picked once per runtime by
// a real verification of an RFC 8032 vector:
// - Node's native crypto.verify, only in Node (reached through process.getBuiltinModule, so
//   browser bundles never see it, and skipped in workerd, whose nodejs_compat imitates Node). Node's WebCrypto hands every verify to the
//   libuv thread pool, and that hop costs more than the verification itself on small VMs;
//   the synchronous call does not (bench/results/latest.md has the figures);
// - WebCrypto, wherever the runtime has Ed25519 (workerd, current browsers): native code, about
//   ten times faster than pure JS;
// - @noble/ed25519, loaded lazily only when neither exists.
// All three are strict RFC 8032 verifiers (noble runs with zip215: false), so they agree on which
// signatures are valid; the vector suites run through each.

export interface Ed25519Backend {
  readonly name: 'node' | 'webcrypto' | 'noble';
  /** Parses a 32-byte raw public key once, so repeated verifications skip the import. */
  importPublicKey(raw: Uint8Array): Promise<PreparedPublicKey>;
  verify(key: PreparedPublicKey, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** Signs with a 32-byte private seed (imports it for this one call; see signerFor). */
  sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  /** Imports a 32-byte private seed once and returns a function that signs with it. */
  signerFor(seed: Uint8Array): Promise<(message: Uint8Array) => Promise<Uint8Array>>;
  publicKeyFromSeed(seed: Uint8Array): Promise<Uint8Array>;
}

/** Opaque per-backend public key handle. */
export type PreparedPublicKey = { readonly backend: Ed25519Backend['name']; readonly handle: unknown };

import { fromBase64Url, fromHex, toBase64Url } from './bytes.ts';

const ED25519 = { name: 'Ed25519' } as const;
// RFC 8410 §7: PKCS#8 wrapping of a raw Ed25519 seed (the only private import WebCrypto takes).
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

/** TS 5.7+ types WebCrypto inputs as ArrayBuffer-backed; our byte arrays always are. */
function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

function assertLength(bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) throw new TypeError(`${what} must be ${length} bytes`);
}

async function importSeed(seed: Uint8Array, extractable: boolean): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', buffer(pkcs8FromSeed(seed)), ED25519, extractable, ['sign']);
}

export const webCryptoEd25519: Ed25519Backend = {
  name: 'webcrypto',
  async importPublicKey(raw) {
    assertLength(raw, 32, 'Ed25519 public key');
    const handle = await crypto.subtle.importKey('raw', buffer(raw), ED25519, false, ['verify']);
    return { backend: 'webcrypto', handle };
  },
  async verify(key, message, signature) {
    if (key.backend !== 'webcrypto') throw new TypeError('key was prepared by another backend');
    if (signature.length !== 64) return false;
    return crypto.subtle.verify(ED25519, key.handle as CryptoKey, buffer(signature), buffer(message));
  },
  async sign(seed, message) {
    return (await this.signerFor(seed))(message);
  },
  async signerFor(seed) {
    // Not extractable: once imported for signing, the private key cannot be read back out.
    const key = await importSeed(seed, false);
    return async (message) => new Uint8Array(await crypto.subtle.sign(ED25519, key, buffer(message)));
  },
  async publicKeyFromSeed(seed) {
    // Extractable only so the public half can be exported as a JWK; the key is then dropped.
    const key = await importSeed(seed, true);
    const jwk = (await crypto.subtle.exportKey('jwk', key)) as JsonWebKey;
    return fromBase64Url(jwk.x!);
  },
};

let nobleModule: Promise<typeof import('@noble/ed25519')> | undefined;
function loadNoble(): Promise<typeof import('@noble/ed25519')> {
  // Lazy: a browser with WebCrypto Ed25519 never downloads the pure-JS fallback.
  nobleModule ??= (async () => {
    const ed = await import('@noble/ed25519');
    // noble hashes through crypto.subtle by default; an insecure (http) page has no subtle, so
    // give it the audited pure-JS SHA-512 instead.
    if (typeof crypto === 'undefined' || !crypto.subtle) {
      const { sha512 } = await import('@noble/hashes/sha2.js');
      ed.hashes.sha512Async = async (message) => sha512(message);
    }
    return ed;
  })();
  return nobleModule;
}

export const nobleEd25519: Ed25519Backend = {
  name: 'noble',
  async importPublicKey(raw) {
    assertLength(raw, 32, 'Ed25519 public key');
    return { backend: 'noble', handle: raw.slice() };
  },
  async verify(key, message, signature) {
    if (key.backend !== 'noble') throw new TypeError('key was prepared by another backend');
    if (signature.length !== 64) return false;
    const ed = await loadNoble();
    try {
      // zip215: false selects RFC 8032 §5.1.7 strict checks (canonical A and R, S < L), the
      // same acceptance set as OpenSSL/BoringSSL behind WebCrypto.
      return await ed.verifyAsync(signature, message, key.handle as Uint8Array, { zip215: false });
    } catch {
      return false;
    }
  },
  async sign(seed, message) {
    return (await this.signerFor(seed))(message);
  },
  async signerFor(seed) {
    assertLength(seed, 32, 'Ed25519 seed');
    const ed = await loadNoble();
    const privateSeed = seed.slice();
    return (message) => ed.signAsync(message, privateSeed);
  },
  async publicKeyFromSeed(seed) {
    assertLength(seed, 32, 'Ed25519 seed');
    const ed = await loadNoble();
    return ed.getPublicKeyAsync(seed);
  },
};

// The slice of node:crypto this module uses, typed structurally so the core needs no Node types.
interface NodeKeyObject {
  export(options: { format: 'jwk' }): { x?: string };
}
interface NodeCryptoLike {
  createPublicKey(input: { key: { kty: string; crv: string; x: string }; format: 'jwk' } | NodeKeyObject): NodeKeyObject;
  createPrivateKey(input: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): NodeKeyObject;
  verify(algorithm: null, data: Uint8Array, key: NodeKeyObject, signature: Uint8Array): boolean;
  sign(algorithm: null, data: Uint8Array, key: NodeKeyObject): Uint8Array;
}

function nodeCrypto(): NodeCryptoLike | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } } }).process;
  // Only real Node: other runtimes emulate parts of `process` (workerd's nodejs_compat reports a
  // Node version too), and there WebCrypto is the native path.
  if (
    typeof proc?.getBuiltinModule !== 'function' ||
    typeof proc.versions?.node !== 'string' ||
    'Bun' in globalThis ||
    'Deno' in globalThis
  )
    return undefined;
  if (typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers') return undefined;
  try {
    return proc.getBuiltinModule('node:crypto') as NodeCryptoLike;
  } catch {
    return undefined;
  }
}

function pkcs8FromSeed(seed: Uint8Array): Uint8Array {
  assertLength(seed, 32, 'Ed25519 seed');
  const pkcs8 = new Uint8Array(48);
  pkcs8.set(PKCS8_PREFIX);
  pkcs8.set(seed, 16);
  return pkcs8;
}

export const nodeEd25519: Ed25519Backend = {
  name: 'node',
  async importPublicKey(raw) {
    assertLength(raw, 32, 'Ed25519 public key');
    const nc = nodeCrypto();
    if (!nc) throw new TypeError('node:crypto is not available in this runtime');
    return { backend: 'node', handle: nc.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(raw) }, format: 'jwk' }) };
  },
  async verify(key, message, signature) {
    if (key.backend !== 'node') throw new TypeError('key was prepared by another backend');
    if (signature.length !== 64) return false;
    try {
      return nodeCrypto()!.verify(null, message, key.handle as NodeKeyObject, signature);
    } catch {
      return false;
    }
  },
  async sign(seed, message) {
    return (await this.signerFor(seed))(message);
  },
  async signerFor(seed) {
    const nc = nodeCrypto();
    if (!nc) throw new TypeError('node:crypto is not available in this runtime');
    const key = nc.createPrivateKey({ key: pkcs8FromSeed(seed), format: 'der', type: 'pkcs8' });
    return async (message) => new Uint8Array(nc.sign(null, message, key));
  },
  async publicKeyFromSeed(seed) {
    const nc = nodeCrypto();
    if (!nc) throw new TypeError('node:crypto is not available in this runtime');
    const jwk = nc
      .createPublicKey(nc.createPrivateKey({ key: pkcs8FromSeed(seed), format: 'der', type: 'pkcs8' }))
      .export({ format: 'jwk' });
    return fromBase64Url(jwk.x!);
  },
};

// RFC 8032 §7.1 TEST 1: the empty message, used only to probe whether WebCrypto can verify.
const PROBE_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const PROBE_SIGNATURE =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

let detected: Promise<Ed25519Backend> | undefined;

/** The fastest backend this runtime supports, decided once by a real verification. */
export function defaultEd25519Backend(): Promise<Ed25519Backend> {
  detected ??= (async () => {
    if (nodeCrypto() && (await passesProbe(nodeEd25519))) return nodeEd25519;
    if (typeof crypto !== 'undefined' && crypto.subtle && (await passesProbe(webCryptoEd25519))) return webCryptoEd25519;
    return nobleEd25519;
  })();
  return detected;
}

async function passesProbe(backend: Ed25519Backend): Promise<boolean> {
  try {
    const key = await backend.importPublicKey(fromHex(PROBE_PUBLIC));
    return await backend.verify(key, new Uint8Array(0), fromHex(PROBE_SIGNATURE));
  } catch {
    return false;
  }
}
