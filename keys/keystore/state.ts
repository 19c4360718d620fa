// The keystore's public state (state.json): the issuer, the root's public key, every signing key's
// public key, state and window, revocation reasons, and the last publication. Nothing secret.

import { KEY_STATES, type KeyState } from '../../src/index.ts';
import { KeysError } from '../errors.ts';

export interface SigningKeyRecord {
  /** 16 hex characters: SHA-256(publicKey)[0..8]. */
  kid: string;
  /** Raw Ed25519 public key, base64url. */
  publicKey: string;
  state: KeyState;
  /** Signing window [validFrom, validUntil), NumericDate seconds (docs/trust-list.md). */
  validFrom: number;
  validUntil?: number;
  createdAt: number;
  /** When a trust list first carried this key: `rotate` wants a next key verifiers already know. */
  firstPublishedAt?: number;
  retiredAt?: number;
  revokedAt?: number;
  revocationReason?: string;
}

export interface PublicationRecord {
  version: number;
  issuedAt: number;
  nextUpdate: number;
  /** The key the Worker signs with once this list is installed. */
  activeKid?: string;
  target: 'local' | 'remote';
}

export interface KeystoreState {
  issuer: string;
  /** Longest token lifetime the Worker issues; a retired key is pruned this long after its window closes. */
  maxTokenLifetimeSeconds: number;
  root: { kid: string; publicKey: string; createdAt: number };
  keys: SigningKeyRecord[];
  published?: PublicationRecord;
}

export function findKey(state: KeystoreState, kid: string): SigningKeyRecord | undefined {
  return state.keys.find((k) => k.kid === kid);
}

export function keysInState(state: KeystoreState, keyState: KeyState): SigningKeyRecord[] {
  return state.keys.filter((k) => k.state === keyState);
}

/** Checks a parsed state.json; anything unexpected means a damaged or hand-edited file. */
export function assertKeystoreState(value: unknown): asserts value is KeystoreState {
  const fail = (what: string): never => {
    throw new KeysError('bad_keystore', `state.json is damaged: ${what}`);
  };
  if (!isObject(value)) fail('not an object');
  const s = value as Record<string, unknown>;
  if (typeof s.issuer !== 'string' || s.issuer.length < 1 || s.issuer.length > 16) fail('issuer');
  if (!isTime(s.maxTokenLifetimeSeconds) || s.maxTokenLifetimeSeconds === 0) fail('maxTokenLifetimeSeconds');
  const root = s.root as Record<string, unknown>;
  if (!isObject(root) || !isKid(root.kid) || !isKey(root.publicKey) || !isTime(root.createdAt)) fail('root');
  if (!Array.isArray(s.keys)) fail('keys');
  for (const k of s.keys as unknown[]) {
    if (!isObject(k)) fail('key entry');
    const key = k as Record<string, unknown>;
    if (!isKid(key.kid) || !isKey(key.publicKey)) fail('key kid/publicKey');
    if (!KEY_STATES.includes(key.state as KeyState)) fail(`key ${String(key.kid)} state`);
    if (!isTime(key.validFrom) || !isTime(key.createdAt)) fail(`key ${String(key.kid)} times`);
    for (const field of ['validUntil', 'firstPublishedAt', 'retiredAt', 'revokedAt'] as const) {
      if (key[field] !== undefined && !isTime(key[field])) fail(`key ${String(key.kid)} ${field}`);
    }
  }
  if (s.published !== undefined) {
    const p = s.published as Record<string, unknown>;
    if (!isObject(p) || !isTime(p.version) || !isTime(p.issuedAt) || !isTime(p.nextUpdate)) fail('published');
  }
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
function isKid(v: unknown): boolean {
  return typeof v === 'string' && /^[0-9a-f]{16}$/.test(v);
}
function isKey(v: unknown): boolean {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v);
}
