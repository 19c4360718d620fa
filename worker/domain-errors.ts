// Failures of the Worker's domain code (holders, status rules, imports, keys, configuration),
// free of HTTP: the cron and the fetch path share them. worker/errors.ts alone turns them into
// responses, through DOMAIN_ERROR_STATUS.

export type DomainErrorCode =
  | 'conflict'
  | 'provider_unavailable'
  | 'validation_failed'
  | 'payload_too_large'
  | 'signing_unavailable'
  | 'code_not_yet_available'
  | 'signing_key_missing'
  | 'trust_list_invalid'
  | 'trust_list_not_newer'
  | 'revocation_undone'
  | 'misconfigured'
  /** One holder database did not answer (docs/scale.md "When a shard fails"); the message names it. */
  | 'shard_unavailable';

export class DomainError extends Error {
  override name = 'DomainError';
  readonly code: DomainErrorCode;
  /** When the same request may succeed later: how long to wait. */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: DomainErrorCode, message: string, retryAfterSeconds?: number) {
    super(message);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
