import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServelab } from './support/cli.js';

test('a reader that closes the pipe early ends the output quietly (servelab models | head -1)', async () => {
  const cli = startServelab(['models']);
  cli.child.stdout.once('data', () => cli.child.stdout.destroy());
  const { code } = await cli.exited;
  const { stderr } = cli.output();
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE/);
});
