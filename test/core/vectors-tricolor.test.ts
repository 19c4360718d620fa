// This project's TC1 conformance vectors through src/. The same file is checked by the
// independent verifier in test/interop/, which is what keeps these expectations honest.
import { describe, expect, it } from 'vitest';
import { decodeClaims, fromHex, type KeyState, type TrustedKey, toHex, verifyToken, type WindowStatusSets } from '../../src/index.ts';
import vectors from '../vectors/tricolor-v1.json' with { type: 'json' };

type VectorKey = { kidHex: string; publicKeyHex: string; state: string; validFrom: number; validUntil?: number };

function toTrusted(k: VectorKey): TrustedKey {
  return {
    kid: fromHex(k.kidHex),
    publicKey: fromHex(k.publicKeyHex),
    state: k.state as KeyState,
    validFrom: k.validFrom,
    ...(k.validUntil !== undefined ? { validUntil: k.validUntil } : {}),
  };
}

/** The vector's revoked (window, epoch, indices) as the sets a verifier holds. */
function heldSets(revocations: readonly { window: number; epoch: number; indices: number[] }[]): WindowStatusSets {
  const sets = new Map<number, Map<number, Uint32Array>>();
  for (const r of revocations) {
    const epochs = sets.get(r.window) ?? new Map<number, Uint32Array>();
    epochs.set(r.epoch, Uint32Array.from(r.indices));
    sets.set(r.window, epochs);
  }
  return sets;
}

describe('TC1 conformance vectors (test/vectors/tricolor-v1.json)', () => {
  it('covers every reason code at least once and has positive cases', () => {
    const reasons = new Set(vectors.cases.map((c) => ('reason' in c.expected ? c.expected.reason : 'valid')));
    for (const r of [
      'valid',
      'input_too_large',
      'malformed_prefix',
      'bad_base45',
      'bad_cbor',
      'not_cose_sign1',
      'unsupported_alg',
      'bad_header',
      'unknown_kid',
      'key_revoked',
      'key_not_valid_at_iat',
      'bad_signature',
      'bad_claims',
      'not_yet_valid',
      'expired',
      'token_revoked',
      'lifetime_too_long',
    ]) {
      expect(reasons, r).toContain(r);
    }
  });

  it.each(vectors.cases.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    const result = await verifyToken(c.qr, {
      keys: c.trustedKeys.map(toTrusted),
      revocations: heldSets(c.revocations),
      now: c.validationClock,
      skewSeconds: c.skewSeconds,
      ...(c.maxTokenLifetime === undefined ? {} : { maxTokenLifetime: c.maxTokenLifetime }),
    });
    if (c.expected.valid) {
      expect(result).toMatchObject({ ok: true, claims: { color: (c.expected as { color: string }).color } });
      if (result.ok) expect(result.claims).toEqual(c.claims);
    } else {
      expect(result).toMatchObject({ ok: false, reason: (c.expected as { reason: string }).reason });
    }
    // Every stage given must be consistent with the next one.
    if (c.cborHex && c.claims) {
      const decoded = decodeClaims(fromHex(c.cborHex));
      expect(decoded).toEqual({ ok: true, claims: c.claims });
    }
    if (c.coseHex && c.cborHex) expect(c.coseHex).toContain(c.cborHex);
    if (c.coseHex) expect(toHex(fromHex(c.coseHex))).toBe(c.coseHex);
  });
});
