// Stable reason codes. Verifiers, the Worker and the CLI all report these strings; UIs map them
// to plain words. Never rename one: third-party verifiers and test vectors depend on them.

export const REASONS = {
  input_too_large: 'The code is longer than any Tricolor code can be.',
  malformed_prefix: 'Not a Tricolor code (it does not start with TC1:).',
  bad_base45: 'The code text is damaged (not valid base45).',
  bad_cbor: 'The code data is damaged (not valid CBOR).',
  not_cose_sign1: 'The code is not a signed Tricolor token (not a COSE_Sign1).',
  unsupported_alg: 'The code uses a signature algorithm Tricolor does not accept.',
  bad_header: 'The code has unexpected header fields.',
  unknown_kid: 'The code was signed by a key this device does not know.',
  key_revoked: 'The code was signed by a key that has been revoked.',
  key_not_valid_at_iat: 'The code was signed outside its key’s validity window.',
  bad_signature: 'The signature does not match: the code was altered or forged.',
  bad_claims: 'The code is missing required information or has it in the wrong form.',
  not_yet_valid: 'The code is not valid yet.',
  expired: 'The code has expired.',
  token_revoked: 'The holder’s status changed after this code was issued; it is revoked.',
  lifetime_too_long: 'The code claims to be valid for longer than the issuer’s trust list allows.',
} as const;

export type ReasonCode = keyof typeof REASONS;
export const REASON_CODES = Object.keys(REASONS) as ReasonCode[];

/**
 * Reasons that only the signed documents a verifier syncs can have (docs/trust-list.md,
 * docs/revocation-feed.md). They share the token's codes for the COSE steps (bad_cbor,
 * bad_signature, ...) and add these.
 */
export const DOCUMENT_REASONS = {
  wrong_root: 'The trust list is not signed by the root key this device was built to trust.',
  rollback: 'The trust list is older than the one this device already holds.',
  unrevoked_key: 'The trust list shows a key as usable that this device has already seen revoked.',
  bad_format: 'The document is signed but its contents are not in the expected form.',
  gap: 'The revocation update does not follow on from what this device holds; a full copy is needed.',
  issuer_mismatch: 'The revocation feed is for a different issuer than this device’s trust list.',
} as const;

export type DocumentReasonCode = keyof typeof DOCUMENT_REASONS;

/** Every core reason, token and document alike, with its plain-language text. */
export const REASON_TEXTS: Readonly<Record<ReasonCode | DocumentReasonCode, string>> = { ...REASONS, ...DOCUMENT_REASONS };
