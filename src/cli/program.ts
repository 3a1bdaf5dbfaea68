import { Command } from 'commander';
import { SERVELAB_VERSION } from '../core/version.js';
import { commands } from './commands/index.js';

/** The servelab command tree; every subcommand comes from commands/index.ts. */
export function createProgram(): Command {
  const program = new Command('servelab')
    .description('Design-space exploration of DNN model serving: latency and energy across serving configurations.')
    .version(SERVELAB_VERSION, '-V, --version', 'print the version')
    .option('--verbose', 'print stack traces and debug output')
    .showHelpAfterError('(run with --help for usage)');
  for (const register of commands) register(program);
  return program;
}
