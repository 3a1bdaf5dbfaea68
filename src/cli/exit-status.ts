/**
 * The CLI's exit statuses, so scripts and CI can tell outcomes apart without parsing output:
 * 0 success (for `load`, a VALID run); 1 an error (bad flags or input, unreachable target, a failure while
 * running); 99 a load run that completed but is INVALID (k6 exits 99 when its thresholds fail).
 */
import { ServelabError } from '../core/errors.js';

export const EXIT_ERROR = 1;
export const EXIT_INVALID_RUN = 99;

/** Ends a command, after its output is printed, with a chosen exit status and a one-line reason on stderr. */
export class ExitStatusError extends ServelabError {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message, 'invalid-input');
  }
}

/** The exit status for an error that ended a command. */
export function exitCodeOf(error: unknown): number {
  return error instanceof ExitStatusError ? error.exitCode : EXIT_ERROR;
}
