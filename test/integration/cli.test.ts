import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runServelab, startServelab } from '../support/cli.js';

test('a reader that closes the pipe early ends the output quietly (servelab models | head -1)', async () => {
  const cli = startServelab(['models']);
  cli.child.stdout.once('data', () => cli.child.stdout.destroy());
  const { code } = await cli.exited;
  const { stderr } = cli.output();
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE/);
});

test('the CLI test helper: a line printed before it is awaited is found; one never printed rejects once the process exits', async () => {
  const cli = startServelab(['--version']);
  const { code } = await cli.exited;
  assert.equal(code, 0);
  assert.match(await cli.waitForLine(/^\d+\.\d+\.\d+/), /^\d+\.\d+\.\d+/);
  await assert.rejects(cli.waitForLine(/never printed/), /exited \(0\) before printing a line matching \/never printed\//);
  assert.deepEqual(await cli.stop(), { code: 0, signal: null }, 'stopping an exited process only returns its exit');

  const failed = await runServelab(['no-such-command']);
  assert.equal(failed.code, 1);
  assert.notEqual(failed.stderr, '');
});
