// COSE_Sign1 (RFC 9052 §4.2) with EdDSA/Ed25519 (RFC 9053 §2.2): building, parsing and the
// Sig_structure. Parsing returns views of the received bytes, never re-encodings.

import { concatBytes } from './bytes.ts';
import { CborError, type CborLimits, CborTagged, type CborValue, decodeCbor, encodeCbor } from './cbor.ts';

/** RFC 9052 §4.2: CBOR tag 18 marks a COSE_Sign1. */
export const COSE_SIGN1_TAG = 18;
/** RFC 9052 §3.1 header labels. */
export const HEADER_ALG = 1;
export const HEADER_CONTENT_TYPE = 3;
export const HEADER_KID = 4;
/** RFC 9053 §2.2: EdDSA. */
export const ALG_EDDSA = -8;

export type CoseErrorKind = 'bad_cbor' | 'not_cose_sign1';

export class CoseError extends Error {
  override name = 'CoseError';
  readonly kind: CoseErrorKind;
  constructor(kind: CoseErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface ParsedSign1 {
  /** The protected header exactly as received (the bstr contents). */
  protectedBytes: Uint8Array;
  protectedHeader: Map<number | string, CborValue>;
  unprotectedHeader: Map<number | string, CborValue>;
  payload: Uint8Array;
  signature: Uint8Array;
}

/** Parses tagged COSE_Sign1 bytes. Throws CoseError with a kind that verifiers map to a reason. */
export function parseSign1(bytes: Uint8Array, limits?: CborLimits): ParsedSign1 {
  let outer: CborValue;
  try {
    outer = decodeCbor(bytes, limits);
  } catch (e) {
    throw new CoseError('bad_cbor', e instanceof CborError ? e.message : 'undecodable CBOR');
  }
  if (!(outer instanceof CborTagged) || outer.tag !== COSE_SIGN1_TAG) throw new CoseError('not_cose_sign1', 'not tagged 18 (COSE_Sign1)');
  const body = outer.value;
  if (!Array.isArray(body) || body.length !== 4) throw new CoseError('not_cose_sign1', 'COSE_Sign1 must be an array of four');
  const [protectedBytes, unprotectedHeader, payload, signature] = body;
  if (!(protectedBytes instanceof Uint8Array)) throw new CoseError('not_cose_sign1', 'protected header must be a byte string');
  if (!(unprotectedHeader instanceof Map)) throw new CoseError('not_cose_sign1', 'unprotected header must be a map');
  // A detached payload (nil) is legal COSE but never valid for Tricolor.
  if (!(payload instanceof Uint8Array)) throw new CoseError('not_cose_sign1', 'payload must be an attached byte string');
  if (!(signature instanceof Uint8Array)) throw new CoseError('not_cose_sign1', 'signature must be a byte string');
  let protectedHeader: CborValue;
  if (protectedBytes.length === 0) {
    // RFC 9052 §3: an empty protected header is encoded as a zero-length bstr.
    protectedHeader = new Map();
  } else {
    try {
      protectedHeader = decodeCbor(protectedBytes, limits);
    } catch (e) {
      throw new CoseError('bad_cbor', `protected header: ${e instanceof CborError ? e.message : 'undecodable'}`);
    }
  }
  if (!(protectedHeader instanceof Map)) throw new CoseError('not_cose_sign1', 'protected header must encode a map');
  return { protectedBytes, protectedHeader, unprotectedHeader, payload, signature };
}

const SIGNATURE1_PREFIX = Uint8Array.from([0x84, 0x6a, ...new TextEncoder().encode('Signature1')]);

/**
 * RFC 9052 §4.4: Sig_structure = ["Signature1", body_protected, external_aad, payload], with an
 * empty external_aad. Built from the received byte strings, so nothing is re-encoded.
 */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array, externalAad: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concatBytes(
    SIGNATURE1_PREFIX,
    bstrHead(protectedBytes.length),
    protectedBytes,
    bstrHead(externalAad.length),
    externalAad,
    bstrHead(payload.length),
    payload,
  );
}

function bstrHead(length: number): Uint8Array {
  if (length < 24) return Uint8Array.of(0x40 | length);
  if (length < 0x100) return Uint8Array.of(0x58, length);
  if (length < 0x10000) return Uint8Array.of(0x59, length >> 8, length & 0xff);
  return Uint8Array.of(0x5a, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
}

export interface Sign1Input {
  protectedHeader: Map<number, CborValue>;
  payload: Uint8Array;
  sign: (toBeSigned: Uint8Array) => Promise<Uint8Array>;
}

/** Builds tagged COSE_Sign1 bytes with an empty unprotected header. */
export async function buildSign1({ protectedHeader, payload, sign }: Sign1Input): Promise<Uint8Array> {
  const protectedBytes = encodeCbor(protectedHeader);
  const signature = await sign(sigStructure(protectedBytes, payload));
  return encodeCbor(new CborTagged(COSE_SIGN1_TAG, [protectedBytes, new Map(), payload, signature]));
}

/**
 * Signs a typed document (trust list, revocation feed): the protected header is exactly
 * {1: -8, 3: contentType, 4: kid}. The content type keeps each kind of signed document from
 * being replayed as another, including as a token, whose header has no label 3.
 */
export function signTypedDocument(
  contentType: string,
  payload: Uint8Array,
  signer: { kid: Uint8Array; sign(m: Uint8Array): Promise<Uint8Array> },
): Promise<Uint8Array> {
  return buildSign1({
    protectedHeader: new Map<number, CborValue>([
      [HEADER_ALG, ALG_EDDSA],
      [HEADER_CONTENT_TYPE, contentType],
      [HEADER_KID, signer.kid],
    ]),
    payload,
    sign: (m) => signer.sign(m),
  });
}
