// Tricolor core: the pure library shared by the Worker, the verifier PWA and the key CLI.
// No I/O, no environment; every function that needs the time takes it as an argument.

export * from './api.ts';
export * from './base45.ts';
export * from './bytes.ts';
export * from './cbor.ts';
export * from './claims.ts';
export * from './cose.ts';
export * from './ed25519.ts';
export * from './local-time.ts';
export * from './reasons.ts';
export * from './revocation-feed.ts';
export * from './sign1.ts';
export * from './signing-keys.ts';
export * from './status-changes.ts';
export * from './status-rules.ts';
export * from './sub-id.ts';
export * from './token.ts';
export * from './trust-list.ts';
export * from './verify.ts';
