import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
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

test('a clone runs its TypeScript sources when SERVELAB_COMPILED is not set: the CLI, the server it starts, its instance thread and the load generator', async (t) => {
  // npm test sets SERVELAB_COMPILED=1 so the other tests start compiled processes; this one runs what a user of a
  // clone runs (`npx servelab ...`): every entry point through tsx, the worker threads through their trampoline.
  const dir = mkdtempSync(join(tmpdir(), 'servelab-sources-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const studyPath = join(dir, 'study.yaml');
  writeFileSync(
    studyPath,
    ['name: sources', 'models: [mnist-cnn]', 'workloads: [mnist-digits]', 'knobs:', '  instances: [1]', 'load:', '  pattern: constant', '  rates: [40]', '  duration: 1s', '  warmup: 200ms', 'objectives: [{ metric: p50_ms }]', ''].join('\n'),
  );
  const { SERVELAB_COMPILED: _compiled, ...env } = process.env;
  const dbPath = join(dir, 'study.db');
  const run = await runServelab(['explore', studyPath, '--db', dbPath, '--quiet'], { env, timeoutMs: 120_000 });
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  const store = openSqliteStore(dbPath, { mustExist: true, readonly: true });
  t.after(() => store.close());
  const [trial] = store.trials('sources');
  assert.equal(trial?.state, 'completed', JSON.stringify(trial?.row.failure));
  assert.ok(trial.row.metrics.achieved_rps! > 0, 'the server answered the generator');
});
