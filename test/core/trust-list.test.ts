import { describe, expect, it } from 'vitest';
import { assessTrustList, CborTagged, decodeCbor, encodeCbor, signTrustList, type TrustList, verifyTrustList } from '../../src/index.ts';
import { newSigner, T0, trusted } from './helpers.ts';

const root = await newSigner();
const signing = await newSigner();
const list: TrustList = { version: 3, issuedAt: T0, nextUpdate: T0 + 86400, issuer: 'ZJ', keys: [trusted(signing)] };
const bytes = await signTrustList(list, root);
const check = { rootPublicKey: root.publicKey };

describe('trust list', () => {
  it('round-trips through sign and verify with the pinned root', async () => {
    const result = await verifyTrustList(bytes, check);
    expect(result).toEqual({ ok: true, list: { ...list, keys: [{ ...list.keys[0] }] } });
  });

  it('carries the maximum token lifetime when the issuer states it', async () => {
    const capped = await signTrustList({ ...list, maxTokenLifetime: 86400 }, root);
    expect(await verifyTrustList(capped, check)).toMatchObject({ ok: true, list: { maxTokenLifetime: 86400 } });
    await expect(signTrustList({ ...list, maxTokenLifetime: 0 }, root)).rejects.toThrow(/maxTokenLifetime/);
  });

  it('refuses a newer, authentic list that lists a key this verifier saw revoked in another state', async () => {
    const kid = Buffer.from(signing.kid).toString('hex');
    expect(await verifyTrustList(bytes, { ...check, revokedKids: new Set([kid]) })).toMatchObject({ ok: false, reason: 'unrevoked_key' });
    const stillRevoked = await signTrustList({ ...list, version: 4, keys: [trusted(signing, { state: 'revoked' })] }, root);
    expect(await verifyTrustList(stillRevoked, { ...check, revokedKids: new Set([kid]) })).toMatchObject({ ok: true });
  });

  it('rejects a list signed by any key other than the pinned root', async () => {
    const other = await newSigner();
    const forged = await signTrustList(list, other);
    expect(await verifyTrustList(forged, check)).toMatchObject({ ok: false, reason: 'wrong_root' });
  });

  it("rejects a list whose root kid is right but whose signature is not the root's", async () => {
    const impostor = await newSigner();
    const forged = await signTrustList(list, { ...impostor, kid: root.kid });
    expect(await verifyTrustList(forged, check)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a rollback to a lower version than the cached one, and accepts the same or higher', async () => {
    expect(await verifyTrustList(bytes, { ...check, minimumVersion: 4 })).toMatchObject({ ok: false, reason: 'rollback' });
    expect((await verifyTrustList(bytes, { ...check, minimumVersion: 3 })).ok).toBe(true);
  });

  it('rejects every truncation and any altered byte', async () => {
    for (let n = 0; n < bytes.length; n++) expect((await verifyTrustList(bytes.subarray(0, n), check)).ok, `truncated to ${n}`).toBe(false);
    for (let i = 0; i < bytes.length; i++) {
      const altered = bytes.slice();
      altered[i]! ^= 0x40;
      expect((await verifyTrustList(altered, check)).ok, `byte ${i}`).toBe(false);
    }
  });

  it('refuses a token-shaped COSE (no trust-list content type) signed by the root', async () => {
    const cose = decodeCbor(bytes) as CborTagged;
    const [, , payload] = cose.value as Uint8Array[];
    const { buildSign1 } = await import('../../src/cose.ts');
    const tokenShaped = await buildSign1({
      protectedHeader: new Map<number, number | Uint8Array>([
        [1, -8],
        [4, root.kid],
      ]),
      payload: payload!,
      sign: (m) => root.sign(m),
    });
    expect(await verifyTrustList(tokenShaped, check)).toMatchObject({ ok: false, reason: 'bad_header' });
  });

  it('rejects a key whose kid does not match its public key, even when root-signed', async () => {
    const other = await newSigner();
    await expect(signTrustList({ ...list, keys: [{ ...trusted(signing), kid: other.kid }] }, root)).rejects.toThrow(/does not match/);
  });

  it('refuses to encode two active keys or duplicate kids', async () => {
    const second = await newSigner();
    await expect(signTrustList({ ...list, keys: [trusted(signing), trusted(second)] }, root)).rejects.toThrow(/one key may be active/);
    await expect(signTrustList({ ...list, keys: [trusted(signing), trusted(signing, { state: 'retired' })] }, root)).rejects.toThrow(
      /duplicate kid/,
    );
  });

  it('refuses oversized input before parsing', async () => {
    expect(await verifyTrustList(new Uint8Array(20000), check)).toMatchObject({ ok: false, reason: 'input_too_large' });
  });

  it('never throws on garbage', async () => {
    expect((await verifyTrustList(encodeCbor(new CborTagged(18, 'x')), check)).ok).toBe(false);
    expect((await verifyTrustList(Uint8Array.of(0xff), check)).ok).toBe(false);
  });

  it('reports age, staleness and a device clock that is behind the list', () => {
    expect(assessTrustList(list, T0 + 3600, 7 * 86400)).toEqual({
      ageSeconds: 3600,
      pastNextUpdate: false,
      tooOld: false,
      clockBehindSeconds: 0,
    });
    expect(assessTrustList(list, T0 + 2 * 86400, 7 * 86400)).toMatchObject({ pastNextUpdate: true, tooOld: false });
    expect(assessTrustList(list, T0 + 8 * 86400, 7 * 86400)).toMatchObject({ pastNextUpdate: true, tooOld: true });
    expect(assessTrustList(list, T0 - 3 * 3600, 7 * 86400)).toMatchObject({ clockBehindSeconds: 3 * 3600 });
    expect(assessTrustList(list, T0 - 200, 7 * 86400)).toMatchObject({ clockBehindSeconds: 0 });
  });
});
