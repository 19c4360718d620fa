// What the console's search box sends (verifier-web/src/console/admin-api.ts lookupKind): a holder
// id to the holder route, a scanned code or an ID number to POST /v1/admin/holders/lookup. The
// inputs are written out, not produced by the code under test.
import { describe, expect, it } from 'vitest';
import { createSigner, generateSeed, signToken } from '../../../src/index.ts';
import { codeReference, lookupKind } from '../../../verifier-web/src/console/admin-api.ts';

describe('lookupKind', () => {
  it.each([
    ['abcdefgh234567ab', 'holderId'],
    [' ABCDEFGH234567AB ', 'holderId'],
    ['TC1:6BFOXN*TS0BI$ZD', 'code'],
    [' tc1:6bfoxn ', 'code'],
    ['330106199003071236', 'idNumber'],
    ['33010820020115003x', 'idNumber'],
    // The 8-character pseudonyms of version 1 codes are no longer looked up: an ID number's shape.
    ['K7Q2MZ4A', 'idNumber'],
    ['12345678', 'idNumber'],
  ])('%j is a %s', (query, kind) => {
    expect(lookupKind(query)).toBe(kind);
  });
});

describe('codeReference', () => {
  it('reads the window of iat, the epoch (0 when absent) and the window index from a code’s QR text', async () => {
    const signer = await createSigner(generateSeed());
    const base = {
      iss: 'ZJ',
      iat: 1772323200 + 21600 + 6,
      exp: 1772323200 + 21600 + 6 + 86400,
      color: 'green' as const,
      windowIndex: 987_654,
    };
    const plain = (await signToken(base, signer)).text;
    const later = (await signToken({ ...base, revocationEpoch: 2 }, signer)).text;
    // 1772323200 is a window start: 82 052 windows of 21 600 s since the epoch; iat lies in the next.
    expect(codeReference(plain)).toEqual({ window: 82_053, epoch: 0, windowIndex: 987_654 });
    expect(codeReference(` ${later.toLowerCase()} `)).toBeUndefined(); // base45 is upper case only
    expect(codeReference(later)).toEqual({ window: 82_053, epoch: 2, windowIndex: 987_654 });
    expect(codeReference('TC1:NOT-A-CODE')).toBeUndefined();
  });
});
