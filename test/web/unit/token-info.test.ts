import { describe, expect, test } from 'vitest';
import { createSigner, generateSeed, signToken } from '../../../src/index.ts';
import { readTokenClaims, tokenNeedsRefresh } from '../../../verifier-web/src/wallet/token-info.ts';

const NOW = 1_800_000_000;

describe('wallet token display', () => {
  test('reads colour, masked name and expiry out of the holder token', async () => {
    const signer = await createSigner(generateSeed());
    const { text } = await signToken(
      { iss: 'ZJ', windowIndex: 4242, iat: NOW, exp: NOW + 86400, color: 'red', maskedName: '王*', statusEnds: NOW + 14 * 86400 },
      signer,
    );
    expect(readTokenClaims(text)).toMatchObject({ color: 'red', maskedName: '王*', exp: NOW + 86400, statusEnds: NOW + 14 * 86400 });
  });

  test('anything that is not a token reads as nothing', () => {
    expect(readTokenClaims('hello')).toBeUndefined();
    expect(readTokenClaims('TC1:%%%')).toBeUndefined();
  });

  test('asks for a new token in the last quarter of its lifetime, and always in its last hour', () => {
    const day = { iss: 'ZJ', windowIndex: 1, iat: NOW, exp: NOW + 86400, color: 'green' as const };
    expect(tokenNeedsRefresh(day, NOW + 60_000)).toBe(false);
    expect(tokenNeedsRefresh(day, NOW + 66_000)).toBe(true);
    const short = { ...day, exp: NOW + 2 * 3600 };
    expect(tokenNeedsRefresh(short, NOW + 3000)).toBe(false);
    expect(tokenNeedsRefresh(short, NOW + 3700)).toBe(true);
  });
});
