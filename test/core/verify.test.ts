// verifyToken: one test per reason code, on real signatures with a pinned clock.
import { describe, expect, it } from 'vitest';
import {
  ALG_EDDSA,
  CborTagged,
  type CborValue,
  decodeCbor,
  encodeBase45,
  encodeCbor,
  encodeClaims,
  HEADER_ALG,
  HEADER_KID,
  MAX_TOKEN_TEXT_LENGTH,
  nobleEd25519,
  nodeEd25519,
  REASON_CODES,
  type Signer,
  signToken,
  sigStructure,
  TOKEN_PREFIX,
  type VerifyResult,
  verifyToken,
  webCryptoEd25519,
  windowOf,
} from '../../src/index.ts';
import { greenClaims, newSigner, qrOf, T0, tagged, trusted } from './helpers.ts';

const signer = await newSigner();
const keys = [trusted(signer)];
const ctx = { keys, now: T0 + 60 };
const valid = (await signToken(greenClaims(), signer)).text;

/** Signs arbitrary protected/unprotected/payload parts with a real key, for header and claim defects. */
async function signRaw(
  s: Signer,
  protectedHeader: Map<number, CborValue>,
  payload: Uint8Array,
  unprotected = new Map<number, CborValue>(),
): Promise<string> {
  const protectedBytes = encodeCbor(protectedHeader);
  const signature = await s.sign(sigStructure(protectedBytes, payload));
  return TOKEN_PREFIX + encodeBase45(encodeCbor(tagged([protectedBytes, unprotected, payload, signature])));
}
const header = (kid: Uint8Array = signer.kid) =>
  new Map<number, CborValue>([
    [HEADER_ALG, ALG_EDDSA],
    [HEADER_KID, kid],
  ]);

function expectReason(result: VerifyResult, reason: string): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.reason).toBe(reason);
}

describe('verifyToken', () => {
  it('accepts a fresh token and returns its claims and key', async () => {
    const result = await verifyToken(valid, ctx);
    expect(result).toMatchObject({ ok: true, claims: greenClaims(), key: { state: 'active' } });
  });

  it.each([nodeEd25519, webCryptoEd25519, nobleEd25519])('gives the same verdicts through the $name backend', async (backend) => {
    expect((await verifyToken(valid, { ...ctx, backend })).ok).toBe(true);
    // Replace one signature character with a different one: the key is random per run, so the
    // replacement must be chosen from the character it replaces, never from a neighbour.
    const at = valid.length - 3;
    const flipped = valid.slice(0, at) + (valid[at] === '0' ? '1' : '0') + valid.slice(at + 1);
    expect(flipped).not.toBe(valid);
    const result = await verifyToken(flipped, { ...ctx, backend });
    expect(result.ok).toBe(false);
  });

  it('input_too_large: refuses oversized input before decoding', async () => {
    expectReason(await verifyToken(TOKEN_PREFIX + 'A'.repeat(MAX_TOKEN_TEXT_LENGTH), ctx), 'input_too_large');
  });

  it('malformed_prefix: names an EU DCC code as not Tricolor', async () => {
    expectReason(await verifyToken(valid.slice(4), ctx), 'malformed_prefix');
    const dcc = await verifyToken('HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH', ctx);
    expectReason(dcc, 'malformed_prefix');
    if (!dcc.ok) expect(dcc.detail).toMatch(/EU DCC/);
    expectReason(await verifyToken(`tc1:${valid.slice(4)}`, ctx), 'malformed_prefix');
  });

  it('bad_base45: lowercase, a stray character, or a 1-mod-3 length', async () => {
    expectReason(await verifyToken(valid.toLowerCase().replace('tc1:', 'TC1:'), ctx), 'bad_base45');
    expectReason(await verifyToken(`${valid}A`, ctx), 'bad_base45');
    expectReason(await verifyToken(`${TOKEN_PREFIX}GGW`, ctx), 'bad_base45');
  });

  it('bad_cbor: truncated bytes, trailing bytes, indefinite lengths', async () => {
    expectReason(await verifyToken(TOKEN_PREFIX + encodeBase45(Uint8Array.of(0xd2, 0x84, 0x43)), ctx), 'bad_cbor');
    const bytes = encodeCbor(tagged([new Uint8Array(0), new Map(), new Uint8Array(0), new Uint8Array(0)]));
    expectReason(await verifyToken(TOKEN_PREFIX + encodeBase45(Uint8Array.of(...bytes, 0)), ctx), 'bad_cbor');
    expectReason(await verifyToken(TOKEN_PREFIX + encodeBase45(Uint8Array.of(0xd2, 0x9f, 0xff)), ctx), 'bad_cbor');
  });

  it('not_cose_sign1: wrong tag, missing tag, wrong arity, detached payload', async () => {
    const parts: CborValue[] = [encodeCbor(header()), new Map(), encodeClaims(greenClaims()), new Uint8Array(64)];
    expectReason(await verifyToken(qrOf(tagged(parts, 98)), ctx), 'not_cose_sign1');
    expectReason(await verifyToken(qrOf(parts), ctx), 'not_cose_sign1');
    expectReason(await verifyToken(qrOf(tagged(parts.slice(0, 3))), ctx), 'not_cose_sign1');
    expectReason(await verifyToken(qrOf(tagged([parts[0]!, parts[1]!, null, parts[3]!])), ctx), 'not_cose_sign1');
  });

  it('unsupported_alg: another algorithm, alg only in the unprotected header, or kid/alg outside the signature', async () => {
    const payload = encodeClaims(greenClaims());
    expectReason(
      await verifyToken(
        await signRaw(
          signer,
          new Map<number, CborValue>([
            [HEADER_ALG, -7],
            [HEADER_KID, signer.kid],
          ]),
          payload,
        ),
        ctx,
      ),
      'unsupported_alg',
    );
    expectReason(
      await verifyToken(
        await signRaw(signer, new Map<number, CborValue>([[HEADER_KID, signer.kid]]), payload, new Map([[HEADER_ALG, ALG_EDDSA]])),
        ctx,
      ),
      'unsupported_alg',
    );
    expectReason(
      await verifyToken(await signRaw(signer, header(), payload, new Map<number, CborValue>([[HEADER_KID, new Uint8Array(8)]])), ctx),
      'unsupported_alg',
    );
  });

  it('bad_header: extra protected parameters, a malformed kid, or other unprotected parameters', async () => {
    const payload = encodeClaims(greenClaims());
    const extra = header();
    extra.set(3, 0);
    expectReason(await verifyToken(await signRaw(signer, extra, payload), ctx), 'bad_header');
    expectReason(await verifyToken(await signRaw(signer, header(signer.kid.slice(0, 4)), payload), ctx), 'bad_header');
    expectReason(await verifyToken(await signRaw(signer, header(), payload, new Map<number, CborValue>([[33, 1]])), ctx), 'bad_header');
  });

  it('unknown_kid: a key the trust list does not hold', async () => {
    const stranger = await newSigner();
    expectReason(await verifyToken((await signToken(greenClaims(), stranger)).text, ctx), 'unknown_kid');
  });

  it('key_revoked: rejects a revoked key whenever its tokens were issued', async () => {
    expectReason(await verifyToken(valid, { ...ctx, keys: [trusted(signer, { state: 'revoked' })] }), 'key_revoked');
  });

  it('key_not_valid_at_iat: a token signed before the key window or after it closed', async () => {
    expectReason(await verifyToken(valid, { ...ctx, keys: [trusted(signer, { validFrom: T0 + 1 })] }), 'key_not_valid_at_iat');
    expectReason(
      await verifyToken(valid, { ...ctx, keys: [trusted(signer, { state: 'retired', validUntil: T0 })] }),
      'key_not_valid_at_iat',
    );
    // A retired key still verifies what it signed inside its window.
    expect((await verifyToken(valid, { ...ctx, keys: [trusted(signer, { state: 'retired', validUntil: T0 + 1 })] })).ok).toBe(true);
  });

  it('bad_signature: a signature by another key under this kid, or a zeroed signature', async () => {
    const impostor = await newSigner();
    const forged = await signRaw(impostor, header(signer.kid), encodeClaims(greenClaims()));
    expectReason(await verifyToken(forged, ctx), 'bad_signature');
    const protectedBytes = encodeCbor(header());
    expectReason(
      await verifyToken(qrOf(tagged([protectedBytes, new Map(), encodeClaims(greenClaims()), new Uint8Array(64)])), ctx),
      'bad_signature',
    );
    expectReason(
      await verifyToken(qrOf(tagged([protectedBytes, new Map(), encodeClaims(greenClaims()), new Uint8Array(63)])), ctx),
      'bad_signature',
    );
  });

  it('bad_claims: missing, ill-typed or unknown claims, even when properly signed', async () => {
    const withoutColor = new Map<number, CborValue>([
      [1, 'ZJ'],
      [-65541, 4242],
      [4, T0 + 86400],
      [6, T0],
    ]);
    expectReason(await verifyToken(await signRaw(signer, header(), encodeCbor(withoutColor)), ctx), 'bad_claims');
    const stringExp = new Map<number, CborValue>([
      [1, 'ZJ'],
      [-65541, 4242],
      [4, String(T0 + 86400)],
      [6, T0],
      [-65537, 0],
    ]);
    expectReason(await verifyToken(await signRaw(signer, header(), encodeCbor(stringExp)), ctx), 'bad_claims');
    const badColor = new Map<number, CborValue>([
      [1, 'ZJ'],
      [-65541, 4242],
      [4, T0 + 86400],
      [6, T0],
      [-65537, 3],
    ]);
    expectReason(await verifyToken(await signRaw(signer, header(), encodeCbor(badColor)), ctx), 'bad_claims');
    const unknown = new Map<number, CborValue>([
      [1, 'ZJ'],
      [-65541, 4242],
      [4, T0 + 86400],
      [6, T0],
      [-65537, 0],
      [99, 'x'],
    ]);
    expectReason(await verifyToken(await signRaw(signer, header(), encodeCbor(unknown)), ctx), 'bad_claims');
    expectReason(await verifyToken(await signRaw(signer, header(), encodeCbor([1, 2])), ctx), 'bad_claims');
  });

  it('bad_claims: the window index is required and below 2^32, sub (label 2) is refused, an epoch of 0 is never written', async () => {
    const claims = (extra: [number, CborValue][], drop: number[] = []) =>
      new Map<number, CborValue>([
        ...(
          [
            [1, 'ZJ'],
            [4, T0 + 86400],
            [6, T0],
            [-65537, 0],
            [-65541, 4242],
          ] as [number, CborValue][]
        ).filter(([label]) => !drop.includes(label)),
        ...extra,
      ]);
    const verdictOf = async (map: Map<number, CborValue>) => verifyToken(await signRaw(signer, header(), encodeCbor(map)), ctx);
    expect(await verdictOf(claims([]))).toMatchObject({ ok: true, claims: { windowIndex: 4242 } });
    // A version 1 token: sub and no window index.
    expectReason(await verdictOf(claims([[2, 'K7Q2M4XD']], [-65541])), 'bad_claims');
    expectReason(await verdictOf(claims([[2, 'K7Q2M4XD']])), 'bad_claims');
    expectReason(await verdictOf(claims([], [-65541])), 'bad_claims');
    expectReason(await verdictOf(claims([[-65541, 2 ** 32]], [-65541])), 'bad_claims');
    expect((await verdictOf(claims([[-65541, 2 ** 32 - 1]], [-65541]))).ok).toBe(true);
    expectReason(await verdictOf(claims([[-65542, 0]])), 'bad_claims');
    expectReason(await verdictOf(claims([[-65542, 16]])), 'bad_claims');
    expect(await verdictOf(claims([[-65542, 15]]))).toMatchObject({ ok: true, claims: { revocationEpoch: 15 } });
    // The encoder writes neither sub nor an epoch of 0, and refuses an index outside uint32.
    const written = decodeCbor(encodeClaims(greenClaims({ revocationEpoch: 0 })), { maxDepth: 1, maxItems: 21, maxStringBytes: 100 });
    expect([...(written as Map<number, CborValue>).keys()].sort((a, b) => a - b)).toEqual([-65541, -65537, 1, 4, 6]);
    expect(() => encodeClaims(greenClaims({ windowIndex: 2 ** 32 }))).toThrow(/window index/);
    expect(() => encodeClaims(greenClaims({ revocationEpoch: 16 }))).toThrow(/revocation epoch/);
  });

  it('not_yet_valid: iat or nbf beyond the skew allowance, but not within it', async () => {
    expectReason(await verifyToken(valid, { ...ctx, now: T0 - 301 }), 'not_yet_valid');
    expect((await verifyToken(valid, { ...ctx, now: T0 - 299 })).ok).toBe(true);
    const later = (await signToken(greenClaims({ nbf: T0 + 3600 }), signer)).text;
    expectReason(await verifyToken(later, ctx), 'not_yet_valid');
    expect((await verifyToken(later, { ...ctx, now: T0 + 3600 })).ok).toBe(true);
  });

  it('expired: past exp plus skew, and keeps the claims so the screen can say whose code it was', async () => {
    const result = await verifyToken(valid, { ...ctx, now: T0 + 86400 + 300 });
    expectReason(result, 'expired');
    if (!result.ok) expect(result.claims?.windowIndex).toBe(4242);
    expect((await verifyToken(valid, { ...ctx, now: T0 + 86400 + 299 })).ok).toBe(true);
    expectReason(await verifyToken(valid, { ...ctx, now: T0 + 86400, skewSeconds: 0 }), 'expired');
  });

  it("token_revoked: the token's index in the set of its window and epoch, nowhere else", async () => {
    const w = windowOf(T0);
    const sets = (window: number, epoch: number, indices: number[]) => new Map([[window, new Map([[epoch, Uint32Array.from(indices)]])]]);
    expectReason(await verifyToken(valid, { ...ctx, revocations: sets(w, 0, [1, 4242, 9000]) }), 'token_revoked');
    expect((await verifyToken(valid, { ...ctx, revocations: sets(w, 0, [4241, 4243]) })).ok).toBe(true);
    expect((await verifyToken(valid, { ...ctx, revocations: sets(w - 1, 0, [4242]) })).ok).toBe(true);
    expect((await verifyToken(valid, { ...ctx, revocations: sets(w, 1, [4242]) })).ok).toBe(true);
    // A token issued after a downgrade in its window carries the next epoch and is looked up there.
    const afterDowngrade = (await signToken(greenClaims({ revocationEpoch: 1 }), signer)).text;
    expect((await verifyToken(afterDowngrade, { ...ctx, revocations: sets(w, 0, [4242]) })).ok).toBe(true);
    expectReason(await verifyToken(afterDowngrade, { ...ctx, revocations: sets(w, 1, [4242]) }), 'token_revoked');
    // The window is iat's, even when iat is the last second of a window.
    const lastSecond = (await signToken(greenClaims({ iat: T0 - 1, exp: T0 + 86399 }), signer)).text;
    expectReason(await verifyToken(lastSecond, { ...ctx, revocations: sets(w - 1, 0, [4242]) }), 'token_revoked');
    expect((await verifyToken(lastSecond, { ...ctx, revocations: sets(w, 0, [4242]) })).ok).toBe(true);
  });

  it('lifetime_too_long: exp - iat beyond the trust list’s maxTokenLifetime, checked before expiry', async () => {
    const long = (await signToken(greenClaims({ exp: T0 + 30 * 86400 }), signer)).text;
    expectReason(await verifyToken(long, { ...ctx, maxTokenLifetime: 86400 }), 'lifetime_too_long');
    expect((await verifyToken(valid, { ...ctx, maxTokenLifetime: 86400 })).ok).toBe(true);
    expectReason(await verifyToken(valid, { ...ctx, maxTokenLifetime: 86399 }), 'lifetime_too_long');
  });

  it('verifies the exact bytes received: a non-canonical re-encoding of the same claims fails', async () => {
    // Same protected header and claims, but exp written with an 8-byte argument. The signature
    // covered the canonical bytes, so a decoder that re-encoded would wrongly accept this.
    const protectedBytes = encodeCbor(header());
    const canonical = encodeClaims(greenClaims());
    const signature = await signer.sign(sigStructure(protectedBytes, canonical));
    const hex = Buffer.from(canonical)
      .toString('hex')
      .replace(`04${`1a${(T0 + 86400).toString(16)}`}`, `04${`1b00000000${(T0 + 86400).toString(16)}`}`);
    expect(hex).not.toBe(Buffer.from(canonical).toString('hex'));
    const reencoded = Uint8Array.from(Buffer.from(hex, 'hex'));
    expectReason(await verifyToken(qrOf(tagged([protectedBytes, new Map(), reencoded, signature])), ctx), 'bad_signature');
  });

  it('has a test above for every reason code', async () => {
    const source = await import('node:fs').then((fs) => fs.readFileSync(new URL(import.meta.url), 'utf8'));
    for (const code of REASON_CODES) expect(source, code).toContain(`'${code}'`);
  });

  it('treats a millisecond clock as a programming error', async () => {
    await expect(verifyToken(valid, { ...ctx, now: Date.now() })).rejects.toThrow(/NumericDate seconds/);
  });

  it('never throws on a wrapped token whose tag value is not an array', async () => {
    expectReason(await verifyToken(qrOf(new CborTagged(18, 'x')), ctx), 'not_cose_sign1');
  });
});
