/**
 * The failed-trial path with real servers: a bogus model file (the server exits before it is ready) and a
 * server killed while a trial runs. Each becomes a failed trial with its reason; the study goes on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadGeneratorDriver } from '../../../src/run/load-adapter.js';
import type { LoadDriver } from '../../../src/run/load-driver.js';
import { silentProgress } from '../../../src/run/progress.js';
import { explore } from '../../../src/run/runner.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';

test('a crashing server and a server killed mid-trial become failed trials; the rest completes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-fail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bogus = join(dir, 'bogus.onnx');
  writeFileSync(bogus, 'this is not an ONNX model\n');
  const studyPath = join(dir, 'study.yaml');
  writeFileSync(
    studyPath,
    [
      'name: failures',
      `models: [${bogus}, mnist-cnn]`,
      'workloads: [mnist-digits]',
      'knobs:',
      '  instances: [1]',
      'load:',
      '  pattern: constant',
      '  rates: [40, 60]',
      '  duration: 1s',
      '  warmup: 200ms',
      'trialTimeout: 60s',
      'objectives: [{ metric: p50_ms }]   # few requests needed: the 1 s trials are not extended',
      '',
    ].join('\n'),
  );
  // Kills the server during the first load run it sees for mnist-cnn (the warm-up of the first trial).
  let killed = 0;
  const killingDriver: LoadDriver = {
    capacity: (request) => loadGeneratorDriver.capacity(request),
    run: async (request) => {
      if (killed === 0 && request.serverPid) {
        killed = request.serverPid;
        setTimeout(() => process.kill(request.serverPid!, 'SIGKILL'), 200);
      }
      return loadGeneratorDriver.run(request);
    },
  };
  const dbPath = join(dir, 'study.db');
  const summary = await explore({ studyPath, dbPath, driver: killingDriver, progress: silentProgress });
  assert.equal(summary.planned, 4);
  assert.equal(summary.completed, 1);
  assert.equal(summary.failed, 3);

  const store = openSqliteStore(dbPath);
  t.after(() => store.close());
  const rows = store.trialRows('failures');
  const bogusRows = rows.filter((row) => row.context.model === bogus);
  assert.equal(bogusRows.length, 2);
  for (const row of bogusRows) {
    assert.equal(row.state, 'failed');
    assert.equal(row.failure?.kind, 'crash');
    assert.match(row.failure!.reason, /the server exited with code 1 before it was ready: .*bogus\.onnx/);
  }
  const [first, second] = rows.filter((row) => row.context.model === 'mnist-cnn');
  assert.equal(first!.state, 'failed');
  assert.equal(first!.failure?.kind, "crash", first!.failure?.reason);
  assert.match(first!.failure!.reason, /the server was killed by SIGKILL during the trial/);
  // The next load level ran on a fresh server and was measured.
  assert.equal(second!.state, 'completed');
  assert.ok(second!.metrics.achieved_rps! > 0);
  assert.ok(second!.metrics.p99_ms! > 0);
  assert.ok(killed > 0);
});
