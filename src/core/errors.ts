/**
 * A problem the user can fix (bad input, unknown name, unreachable target). The CLI prints its message
 * as one line, without a stack trace unless --verbose. Anything else that escapes is a bug.
 */
export class ServelabError extends Error {
  override readonly name = 'ServelabError';
  constructor(
    message: string,
    /** Machine-readable kind, e.g. 'not-found', 'invalid-input', 'unavailable'. */
    readonly code: ServelabErrorCode = 'invalid-input',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type ServelabErrorCode =
  | 'invalid-input'
  | 'not-found'
  | 'unavailable'
  | 'unsupported'
  | 'resource-exhausted'
  | 'internal';

export function isServelabError(error: unknown): error is ServelabError {
  return error instanceof ServelabError;
}

/** The message of any thrown value, for one-line reports. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
