// The signing-key state machine and the publication plan, as pure functions on a pinned clock.
import { describe, expect, it } from 'vitest';
import { KeysError } from '../../keys/errors.ts';
import type { KeystoreState, SigningKeyRecord } from '../../keys/keystore/state.ts';
import { buildTrustList, closeRetiredWindows, pruneExpiredKeys, recordPublication, workerSecretKids } from '../../keys/publication/plan.ts';
import { addNextKey, revokeKey, rotateKeys } from '../../keys/transitions.ts';
import { T0 } from './helpers.ts';

const DAY = 86400;
const kid = (n: number) => n.toString(16).padStart(16, '0');
const pub = (n: number) => String.fromCharCode(65 + n).repeat(43);
const key = (n: number, fields: Partial<SigningKeyRecord>): SigningKeyRecord => ({
  kid: kid(n),
  publicKey: pub(n),
  state: 'next',
  validFrom: T0,
  createdAt: T0,
  ...fields,
});
const base = (keys: SigningKeyRecord[], published?: KeystoreState['published']): KeystoreState => ({
  issuer: 'ZJ',
  maxTokenLifetimeSeconds: DAY,
  root: { kid: kid(99), publicKey: pub(20), createdAt: T0 },
  keys,
  ...(published ? { published } : {}),
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    if (e instanceof KeysError) return e.code;
    throw e;
  }
  return undefined;
}

describe('signing new', () => {
  it('adds a next key whose window opens now', () => {
    const state = addNextKey(base([]), { kid: kid(1), publicKey: pub(1) }, T0 + 5);
    expect(state.keys).toEqual([{ kid: kid(1), publicKey: pub(1), state: 'next', validFrom: T0 + 5, createdAt: T0 + 5 }]);
  });

  it('refuses a second next key', () => {
    expect(codeOf(() => addNextKey(base([key(1, {})]), { kid: kid(2), publicKey: pub(2) }, T0))).toBe('next_exists');
  });
});

describe('rotate', () => {
  const published = { version: 3, issuedAt: T0, nextUpdate: T0 + DAY, target: 'local' as const, activeKid: kid(1) };

  it('promotes next to active and retires the active key with its window closed now', () => {
    const state = base([key(1, { state: 'active' }), key(2, { firstPublishedAt: T0 })], published);
    const outcome = rotateKeys(state, T0 + 100);
    expect(outcome).toMatchObject({ activated: kid(2), retired: kid(1) });
    expect(outcome.state.keys).toMatchObject([
      { kid: kid(1), state: 'retired', validUntil: T0 + 100, retiredAt: T0 + 100 },
      { kid: kid(2), state: 'active' },
    ]);
    expect(outcome.state.keys[1]!.validUntil).toBeUndefined();
  });

  it('refuses when there is no next key', () => {
    expect(codeOf(() => rotateKeys(base([key(1, { state: 'active' })]), T0))).toBe('no_next_key');
  });

  it('refuses a next key verifiers have not been sent yet, unless --immediate', () => {
    const state = base([key(1, { state: 'active', firstPublishedAt: T0 }), key(2, {})], published);
    expect(codeOf(() => rotateKeys(state, T0 + 100))).toBe('next_not_published');
    expect(rotateKeys(state, T0 + 100, { immediate: true }).activated).toBe(kid(2));
  });

  it('allows the first rotation of a keystore that has never published', () => {
    expect(rotateKeys(base([key(1, {})]), T0).activated).toBe(kid(1));
  });
});

describe('revoke', () => {
  it('revokes a key in any live state and records why', () => {
    for (const from of ['next', 'active', 'retired'] as const) {
      const outcome = revokeKey(
        base([key(1, { state: from, validUntil: from === 'retired' ? T0 + 10 : undefined })]),
        kid(1),
        ' leaked in a backup ',
        T0 + 50,
      );
      expect(outcome.state.keys[0]).toMatchObject({ state: 'revoked', revokedAt: T0 + 50, revocationReason: 'leaked in a backup' });
    }
  });

  it('replaces a revoked active key with the next key at once', () => {
    const outcome = revokeKey(base([key(1, { state: 'active' }), key(2, {})]), kid(1), 'compromised', T0);
    expect(outcome).toMatchObject({ wasActive: true, promoted: kid(2) });
    expect(outcome.state.keys.map((k) => k.state)).toEqual(['revoked', 'active']);
    expect(workerSecretKids(outcome.state)).toEqual([kid(2)]);
  });

  it('leaves no active key when the revoked active key has no successor', () => {
    const outcome = revokeKey(base([key(1, { state: 'active' })]), kid(1), 'compromised', T0);
    expect(outcome.promoted).toBeUndefined();
    expect(workerSecretKids(outcome.state)).toEqual([]);
  });

  it('refuses an unknown kid, an already revoked key, and a missing or multi-line reason', () => {
    const state = base([key(1, { state: 'revoked', revokedAt: T0 })]);
    expect(codeOf(() => revokeKey(state, kid(7), 'x', T0))).toBe('unknown_kid');
    expect(codeOf(() => revokeKey(state, kid(1), 'x', T0))).toBe('already_revoked');
    expect(codeOf(() => revokeKey(base([key(2, {})]), kid(2), '  ', T0))).toBe('reason_required');
    expect(codeOf(() => revokeKey(base([key(2, {})]), kid(2), 'a\nb', T0))).toBe('bad_reason');
  });
});

describe('publication plan', () => {
  it('prunes a retired key only once its window end plus the longest token lifetime has passed', () => {
    const state = base([
      key(1, { state: 'retired', validUntil: T0 }),
      key(2, { state: 'revoked', revokedAt: T0 }),
      key(3, { state: 'active' }),
    ]);
    expect(pruneExpiredKeys(state, T0 + DAY).pruned).toEqual([]);
    const later = pruneExpiredKeys(state, T0 + DAY + 1);
    expect(later.pruned).toEqual([kid(1)]);
    expect(later.state.keys.map((k) => k.kid)).toEqual([kid(2), kid(3)]);
  });

  it('keeps the window of the key the Worker signed with open until the publication that retires it', () => {
    const state = base([key(1, { state: 'retired', validUntil: T0 + 100 }), key(2, { state: 'active' })], {
      version: 1,
      issuedAt: T0,
      nextUpdate: T0 + DAY,
      target: 'local',
      activeKid: kid(1),
    });
    // ...plus a grace period covering Worker isolates that have not reloaded the list yet.
    expect(closeRetiredWindows(state, T0 + 400, 60).keys[0]!.validUntil).toBe(T0 + 460);
    const otherRetired = base([key(1, { state: 'retired', validUntil: T0 + 100 })]);
    expect(closeRetiredWindows(otherRetired, T0 + 400, 60).keys[0]!.validUntil).toBe(T0 + 100);
  });

  it('builds a list with every remaining key and the configured refresh time, and records it', () => {
    const state = base([key(1, { state: 'active' }), key(2, {})]);
    const list = buildTrustList(state, 4, T0 + 10, 3600);
    expect(list).toMatchObject({ version: 4, issuedAt: T0 + 10, nextUpdate: T0 + 3610, issuer: 'ZJ' });
    expect(list.keys.map((k) => k.state)).toEqual(['active', 'next']);
    const recorded = recordPublication(state, list, 'local');
    expect(recorded.published).toEqual({ version: 4, issuedAt: T0 + 10, nextUpdate: T0 + 3610, target: 'local', activeKid: kid(1) });
    expect(recorded.keys.every((k) => k.firstPublishedAt === T0 + 10)).toBe(true);
  });
});
