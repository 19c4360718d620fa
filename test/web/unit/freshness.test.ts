import { describe, expect, test } from 'vitest';
import type { TrustList } from '../../../src/index.ts';
import { assessFreshness, type FreshnessInput } from '../../../verifier-web/src/freshness.ts';

const NOW = 1_800_000_000;
const list: TrustList = { version: 3, issuedAt: NOW - 86400, nextUpdate: NOW + 86400, issuer: 'ZJ', keys: [] };
const base: FreshnessInput = {
  now: NOW,
  list,
  revocationsSignedAt: NOW - 600,
  clockOffsetSeconds: 0,
  staleAfterSeconds: 12 * 3600,
  trustListMaxAgeSeconds: 30 * 86400,
};

describe('assessFreshness', () => {
  test('fresh data gives its age and no warning', () => {
    expect(assessFreshness(base)).toStrictEqual({ revocationsAgeSeconds: 600, trustListAgeSeconds: undefined, warnings: [] });
  });

  test('revocations older than the limit warn with their age', () => {
    expect(assessFreshness({ ...base, revocationsSignedAt: NOW - 13 * 3600 }).warnings).toEqual([{ kind: 'stale', ageSeconds: 13 * 3600 }]);
  });

  test('missing data says what is missing', () => {
    expect(assessFreshness({ ...base, list: undefined, revocationsSignedAt: undefined }).warnings).toEqual([{ kind: 'no_trust_list' }]);
    expect(assessFreshness({ ...base, revocationsSignedAt: undefined }).warnings).toEqual([{ kind: 'no_revocations' }]);
  });

  test('a device clock off from the server by more than two minutes warns in the right direction', () => {
    expect(assessFreshness({ ...base, clockOffsetSeconds: 90 }).warnings).toEqual([]);
    expect(assessFreshness({ ...base, clockOffsetSeconds: 3600 }).warnings).toEqual([{ kind: 'clock_ahead', seconds: 3600 }]);
    expect(assessFreshness({ ...base, clockOffsetSeconds: -3600 }).warnings).toEqual([{ kind: 'clock_behind', seconds: 3600 }]);
  });

  test('a trust list issued in the device future means the device clock is behind', () => {
    const future = { ...list, issuedAt: NOW + 7200, nextUpdate: NOW + 90000 };
    expect(assessFreshness({ ...base, list: future, clockOffsetSeconds: undefined }).warnings).toEqual([
      { kind: 'clock_behind', seconds: 7200 },
    ]);
  });

  test('a trust list past its nextUpdate gives its age, without a warning while under the limit', () => {
    const overdue = { ...list, issuedAt: NOW - 2 * 86400, nextUpdate: NOW - 86400 };
    const result = assessFreshness({ ...base, list: overdue });
    expect(result.trustListAgeSeconds).toBe(2 * 86400);
    expect(result.warnings).toEqual([]);
  });

  test('a trust list past its nextUpdate and older than the limit is flagged with its age', () => {
    const old = { ...list, issuedAt: NOW - 40 * 86400, nextUpdate: NOW - 33 * 86400 };
    const result = assessFreshness({ ...base, list: old });
    expect(result.warnings).toEqual([{ kind: 'trust_list_old', ageSeconds: 40 * 86400 }]);
    expect(result.trustListAgeSeconds).toBe(40 * 86400);
  });

  test('a trust list still inside its nextUpdate is neither aged nor flagged, however low the limit', () => {
    const longLived = { ...list, issuedAt: NOW - 5 * 86400, nextUpdate: NOW + 86400 };
    const result = assessFreshness({ ...base, list: longLived, trustListMaxAgeSeconds: 86400 });
    expect(result.trustListAgeSeconds).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });
});
