// One error type for every operator-facing failure of the key CLI: a stable code from the list
// below, a message that never contains key material, and the process exit code (1 operational,
// 2 usage). docs/operations.md says what to do about each.

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Every code the key CLI (and the machine-specific parts injected into it) can fail with. */
export const KEYS_ERROR_CODES = {
  usage: 'the command line is wrong',
  cancelled: 'the operator cancelled at a prompt',
  // the keystore
  no_keystore: 'no keystore at the given location',
  keystore_exists: 'a keystore already exists there',
  bad_keystore: 'a keystore file is damaged or not a keystore',
  state_tampered: 'the keystore state does not match its HMAC',
  store_locked: 'another keys command holds the keystore lock',
  store_in_repo: 'the keystore location is inside the git work tree',
  unseal_failed: 'a sealed seed could not be opened',
  no_passphrase: 'no passphrase was given and there is no terminal to ask',
  wrong_passphrase: 'the passphrase does not open this keystore',
  weak_passphrase: 'the new passphrase is too short',
  passphrase_mismatch: 'the two passphrase entries differ',
  // key transitions
  unknown_kid: 'no key with that kid in the keystore',
  bad_kid: 'the kid is not 16 hex digits',
  duplicate_kid: 'a new key collided with an existing kid',
  next_exists: 'a next key already exists',
  no_next_key: 'there is no next key to rotate to',
  next_not_published: 'the next key has not been published yet, so verifiers do not know it',
  already_revoked: 'the key is already revoked',
  reason_required: 'a revocation needs a reason',
  bad_reason: 'the reason is longer than one line allows',
  // publication
  verify_back_failed: 'the freshly signed list did not verify as a verifier would check it',
  bad_url: 'the Worker URL is not https (or http on loopback)',
  remote_failed: 'the Worker refused or did not answer',
  remote_mismatch: 'the Worker still does not serve the list it just installed',
  remote_root_mismatch: 'the Worker pins a different root key',
  install_rejected: 'the Worker rejected the trust list',
  secret_not_applied: 'the Worker did not restart with the new signing seeds in time',
  keystore_outdated: 'the target has a publication this keystore never made: restored from an older backup',
  older_than_installed: 'the new list would not be issued after the installed one',
  revoked_key_dropped: 'the new list drops a key the installed list revokes',
  revoked_key_unrevoked: 'the new list shows a key the installed list revokes in another state',
  // the local development environment (scripts/lib)
  wrangler_failed: 'a wrangler command failed',
  no_schema: 'the local D1 has no trust_lists table: run the migrations',
  dev_passphrase_lost: 'the dev keystore exists but its passphrase file is gone',
} as const;

export type KeysErrorCode = keyof typeof KEYS_ERROR_CODES;

export class KeysError extends Error {
  readonly code: KeysErrorCode;
  readonly exitCode: number;

  constructor(code: KeysErrorCode, message: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'KeysError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

export function usageError(message: string): KeysError {
  return new KeysError('usage', message, EXIT_USAGE);
}
