// One error type for every operator-facing failure of the key CLI: a stable code, a message
// that never contains key material, and the process exit code (1 operational, 2 usage).

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class KeysError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'KeysError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

export function usageError(message: string): KeysError {
  return new KeysError('usage', message, EXIT_USAGE);
}
