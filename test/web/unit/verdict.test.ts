import { describe, expect, test } from 'vitest';
import type { TokenClaims, VerifyResult } from '../../../src/index.ts';
import { decideVerdict, parseTemperature, tallyBucketOf } from '../../../verifier-web/src/verdict.ts';

const claims: TokenClaims = {
  iss: 'ZJ',
  windowIndex: 4242,
  iat: 1_800_000_000,
  exp: 1_800_086_400,
  color: 'yellow',
  maskedName: '张*',
  statusEnds: 1_800_500_000,
};
const key = { kid: new Uint8Array(8), publicKey: new Uint8Array(32), state: 'active' as const, validFrom: 0 };
const valid: VerifyResult = { ok: true, claims, key };

describe('decideVerdict', () => {
  test('a verified code is valid with its colour, name and times', () => {
    expect(decideVerdict(valid)).toEqual({
      result: 'valid',
      color: 'yellow',
      maskedName: '张*',
      exp: 1_800_086_400,
      statusEnds: 1_800_500_000,
    });
  });

  test('a code with the binding carries the birth year to the screen', () => {
    expect(decideVerdict({ ok: true, claims: { ...claims, birthYear: 1985 }, key })).toMatchObject({ maskedName: '张*', birthYear: 1985 });
  });

  test('a refused code is invalid with its reason, and keeps the claims once the signature verified', () => {
    const v = decideVerdict({ ok: false, reason: 'token_revoked', detail: '', claims });
    expect(v.result).toBe('invalid');
    expect(v.reason).toBe('token_revoked');
    expect(v.maskedName).toBe('张*');
    expect(decideVerdict({ ok: false, reason: 'bad_signature', detail: '' })).toEqual({ result: 'invalid', reason: 'bad_signature' });
  });

  test('no trust list means the device could not check at all', () => {
    expect(decideVerdict(undefined)).toEqual({ result: 'invalid', reason: 'no_trust_list' });
  });

  test('a temperature at the threshold refers whatever the colour; just below it does not', () => {
    const green: VerifyResult = { ok: true, claims: { ...claims, color: 'green' }, key };
    expect(decideVerdict(green, { celsius: 37.3, threshold: 37.3 }).result).toBe('refer');
    expect(decideVerdict(valid, { celsius: 38.5, threshold: 37.3 }).result).toBe('refer');
    expect(decideVerdict(green, { celsius: 37.2, threshold: 37.3 })).toMatchObject({ result: 'valid', temperature: 37.2 });
  });

  test('an invalid code stays invalid even with a fever', () => {
    expect(decideVerdict({ ok: false, reason: 'expired', detail: '' }, { celsius: 39, threshold: 37.3 }).result).toBe('invalid');
  });
});

describe('tally buckets and temperatures', () => {
  test('valid codes count by colour; others by result', () => {
    expect(tallyBucketOf({ result: 'valid', color: 'red' })).toBe('red');
    expect(tallyBucketOf({ result: 'refer', color: 'green' })).toBe('refer');
    expect(tallyBucketOf({ result: 'invalid', reason: 'expired' })).toBe('invalid');
  });

  test('parses typed temperatures with a comma or a point and refuses implausible ones', () => {
    expect(parseTemperature(' 36,8 ')).toBe(36.8);
    expect(parseTemperature('37.3')).toBe(37.3);
    expect(parseTemperature('373')).toBeUndefined();
    expect(parseTemperature('')).toBeUndefined();
    expect(parseTemperature('abc')).toBeUndefined();
  });
});
