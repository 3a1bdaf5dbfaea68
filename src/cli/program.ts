import { Command } from 'commander';
import { SERVELAB_VERSION } from '../core/version.js';
import { COMMAND_LOADERS } from './commands/index.js';

/**
 * The servelab command tree for a command line. Only the command it names is loaded (none for `--version`); help
 * and anything that names no known command get every command, so help lists them all and a typo is answered by
 * commander's suggestion.
 */
export async function createProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('servelab')
    .description('Design-space exploration of DNN model serving: latency and energy across serving configurations.')
    .version(SERVELAB_VERSION, '-V, --version', 'print the version')
    .option('--verbose', 'print stack traces and debug output')
    .showHelpAfterError('(run with --help for usage)');
  // The only global options (--verbose, --help, --version) take no value, so the first word is the command.
  const named = argv.slice(2).find((arg) => !arg.startsWith('-'));
  const versionOnly = named === undefined && argv.some((arg) => arg === '-V' || arg === '--version');
  const loaders = named !== undefined && Object.hasOwn(COMMAND_LOADERS, named) ? [COMMAND_LOADERS[named]!] : versionOnly ? [] : Object.values(COMMAND_LOADERS);
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program);
  return program;
}
