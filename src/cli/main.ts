import { createProgram } from './program.js';
import { errorMessage, isServelabError } from '../core/errors.js';
import { exitCodeOf } from './exit-status.js';

// A reader that stops early (`servelab models | head`) closes the pipe: that ends the output, not in an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

try {
  const program = await createProgram(process.argv);
  await program.parseAsync(process.argv);
} catch (error) {
  const verbose = process.argv.includes('--verbose');
  if (verbose || !isServelabError(error)) {
    // Unexpected errors keep their stack: they are bugs, and the trace is what a report needs.
    console.error(verbose && error instanceof Error ? error.stack : `servelab: ${errorMessage(error)}`);
    if (!isServelabError(error) && !verbose) console.error('(run with --verbose for the stack trace)');
  } else {
    console.error(`servelab: ${error.message}`);
  }
  process.exitCode = exitCodeOf(error);
}
