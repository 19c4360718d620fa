// Tokens signed in Node with the test Worker's own signing key (global-setup.ts provides its
// seed), for times the Worker cannot issue for: the browser tests move the page's clock days ahead.
import { createSigner, fromBase64Url, signToken, type TokenClaims } from '../../../src/index.ts';

let counter = 0;

/**
 * A green token issued a minute before `now` (the page's clock) and valid for an hour after it.
 * Its window index is far above any test deployment's domain unless one is given, so no feed of
 * the test Worker lists it.
 */
export async function signGreenTokenAt(seed: string, issuer: string, now: number, claims: Partial<TokenClaims> = {}): Promise<string> {
  counter += 1;
  const signer = await createSigner(fromBase64Url(seed));
  const all: TokenClaims = {
    iss: issuer,
    windowIndex: 2 ** 32 - 1 - counter,
    iat: now - 60,
    exp: now + 3600,
    color: 'green',
    maskedName: '赵*',
    ...claims,
  };
  return (await signToken(all, signer)).text;
}
