// Tokens signed in Node with the test Worker's own signing key (global-setup.ts provides its
// seed), for times the Worker cannot issue for: the browser tests move the page's clock days ahead.
import { createSigner, fromBase64Url, signToken } from '../../../src/index.ts';

let counter = 0;

/** A green token issued a minute before `now` (the page's clock) and valid for an hour after it. */
export async function signGreenTokenAt(seed: string, issuer: string, now: number): Promise<string> {
  counter += 1;
  const signer = await createSigner(fromBase64Url(seed));
  const claims = {
    iss: issuer,
    // Far above any test deployment's domain, so no feed of the test Worker lists it.
    windowIndex: 2 ** 32 - 1 - counter,
    iat: now - 60,
    exp: now + 3600,
    color: 'green' as const,
    maskedName: '赵*',
  };
  return (await signToken(claims, signer)).text;
}
