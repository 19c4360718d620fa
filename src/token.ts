// Issuing a token: claims -> CBOR -> COSE_Sign1 -> base45 -> "TC1:" QR text (docs/token-format.md).

import { encodeBase45 } from './base45.ts';
import type { CborValue } from './cbor.ts';
import { encodeClaims, type TokenClaims } from './claims.ts';
import { ALG_EDDSA, buildSign1, HEADER_ALG, HEADER_KID } from './cose.ts';
import type { Signer } from './signing-keys.ts';

export const TOKEN_PREFIX = 'TC1:';

export interface SignedToken {
  text: string;
  bytes: Uint8Array;
}

export async function signToken(claims: TokenClaims, signer: Signer): Promise<SignedToken> {
  const bytes = await buildSign1({
    // The protected header is exactly {1: -8, 4: kid}: alg is pinned inside the signature.
    protectedHeader: new Map<number, CborValue>([
      [HEADER_ALG, ALG_EDDSA],
      [HEADER_KID, signer.kid],
    ]),
    payload: encodeClaims(claims),
    sign: (message) => signer.sign(message),
  });
  return { text: TOKEN_PREFIX + encodeBase45(bytes), bytes };
}
