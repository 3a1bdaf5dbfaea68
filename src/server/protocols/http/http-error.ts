import { isServelabError, type ServelabErrorCode } from '../../../core/errors.js';

/** An HTTP error with its status; ServelabError codes map onto statuses in statusOf. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_BY_CODE: Record<ServelabErrorCode, number> = {
  'invalid-input': 400,
  'not-found': 404,
  unavailable: 503,
  unsupported: 400,
  'resource-exhausted': 503,
  internal: 500,
};

export function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (isServelabError(error)) return STATUS_BY_CODE[error.code];
  return 500;
}
