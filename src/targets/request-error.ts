/**
 * A failed inference request, with the kind the load generator counts it under: 'http-4xx', 'http-5xx',
 * 'grpc-<code name>', 'connection' (refused, reset, closed), 'protocol' (an answer that is not the protocol),
 * 'aborted' (the caller gave up), 'bad-response' (an answer that is not a valid inference response for the
 * model: undecodable body, outputs not as its metadata declares; see response-check.ts) or 'decode' (outputs
 * that could not be decoded when read).
 */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly kind: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The error kind of any thrown value ('other' for anything that is not a RequestError). */
export function errorKindOf(error: unknown): string {
  return error instanceof RequestError ? error.kind : 'other';
}

export function httpErrorKind(status: number): string {
  return status >= 500 ? 'http-5xx' : status >= 400 ? 'http-4xx' : `http-${status}`;
}
