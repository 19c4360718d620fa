// What the console's search box sends (verifier-web/src/console/admin-api.ts lookupKind): a holder
// id to the holder route, a pseudonym or an ID number to POST /v1/admin/holders/lookup. The
// inputs are written out, not produced by the code under test.
import { describe, expect, it } from 'vitest';
import { lookupKind } from '../../../verifier-web/src/console/admin-api.ts';

describe('lookupKind', () => {
  it.each([
    ['abcdefgh234567ab', 'holderId'],
    [' ABCDEFGH234567AB ', 'holderId'],
    ['K7Q2MZ4A', 'sub'],
    ['k7q2mz4a', 'sub'],
    ['330106199003071236', 'idNumber'],
    ['33010820020115003x', 'idNumber'],
    // 8 characters but not base32 (0, 1, 8 and 9 are not in RFC 4648's alphabet): an ID number.
    ['12345678', 'idNumber'],
    ['K7Q2MZ4', 'idNumber'],
  ])('%j is a %s', (query, kind) => {
    expect(lookupKind(query)).toBe(kind);
  });
});
