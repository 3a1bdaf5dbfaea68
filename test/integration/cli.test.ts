import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runServelab, startServelab } from '../support/cli.js';
import { MODEL_PATHS, clsInput } from '../support/server/fixtures/models.js';
import { postJson } from '../support/server/support.js';

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

test('a clone runs its TypeScript sources when SERVELAB_COMPILED is not set: the CLI, the server and its instance thread', async (t) => {
  // npm test sets SERVELAB_COMPILED=1 so the other tests start compiled processes; this one starts what a user of a
  // clone starts (`npx servelab serve`): the entry point through tsx, the instance thread through its trampoline.
  // (The load generator's TypeScript entry is covered wherever a test drives a PinnedGenerator from the sources.)
  const { SERVELAB_COMPILED: _compiled, ...env } = process.env;
  const cli = startServelab(['serve', '--models', MODEL_PATHS.cls, '--port', '0', '--grpc-port', 'off'], { env });
  t.after(() => cli.stop());
  const ready = JSON.parse(/^ready (\{.*\})$/.exec(await cli.waitForLine(/^ready /))![1]!) as { http: string; models: string[] };
  const reply = await postJson(`${ready.http}/v2/models/${ready.models[0]}/infer`, { inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', data: Array.from(clsInput(1)) }] });
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  assert.deepEqual(reply.json.outputs[0].shape, [1, 2]);
});
