/** The command tree loads only the command a command line names; help, --version and unknown words get what they need. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMAND_LOADERS } from '../../../src/cli/commands/index.js';
import { createProgram } from '../../../src/cli/program.js';

const names = async (...args: string[]): Promise<string[]> => (await createProgram(['node', 'servelab', ...args])).commands.map((command) => command.name());

test('a command line that names a command loads that command alone, global options before it or not', async () => {
  assert.deepEqual(await names('serve', '--models', 'mnist-cnn'), ['serve']);
  assert.deepEqual(await names('--verbose', 'status', 'study.db'), ['status']);
});

test('help, a bare command line and an unknown word load every command, in the order help lists them; --version loads none', async () => {
  const every = Object.keys(COMMAND_LOADERS);
  assert.deepEqual(await names('--help'), every);
  assert.deepEqual(await names(), every);
  assert.deepEqual(await names('explroe'), every, "so commander can suggest 'explore'");
  assert.deepEqual(await names('--version'), []);
  assert.deepEqual(every, ['models', 'serve', 'workloads', 'analyze', 'report', 'demo', 'explore', 'export', 'status', 'dashboard', 'load', 'worker']);
});
