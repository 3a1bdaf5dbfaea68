/**
 * An external target without a launch command: servelab loads a server it did not start (here a servelab
 * server started by the test), sweeping the client protocol. With only the CPU-time estimate available there
 * is no process to read, so no energy figure is claimed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadGeneratorDriver } from '../../../src/run/load-adapter.js';
import { SERVELAB_BIN } from '../../../src/run/launch.js';
import { silentProgress } from '../../../src/run/progress.js';
import { explore } from '../../../src/run/runner.js';
import { ServerProcess } from '../../../src/run/server-process.js';
import { readTrialRows } from '../../../src/store/read-rows.js';

test('an external server at a fixed URL is measured as it is, per protocol', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-external-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { server, ready } = await ServerProcess.launch({
    argv: [process.execPath, SERVELAB_BIN, 'serve', '--models', 'mnist-cnn', '--port', '0', '--grpc-port', 'off'],
    readyTimeoutMs: 60_000,
  });
  t.after(() => server.stop());
  const studyPath = join(dir, 'study.yaml');
  writeFileSync(
    studyPath,
    [
      'name: external',
      'models: [mnist-cnn]',
      'workloads: [mnist-digits]',
      'target:',
      '  kind: external',
      `  url: ${ready.http}`,
      '  protocol: kserve-http',
      'knobs:',
      '  protocol: [kserve-http, kserve-http-binary]',
      'load:',
      '  pattern: constant',
      '  rates: [40]',
      '  duration: 1s',
      '  warmup: 200ms',
      '# p50 needs few requests, so these 1 s trials are not extended for a p99',
      'objectives: [{ metric: p50_ms }, { metric: energy_j_per_inf }]',
      'energy:',
      '  meter: estimate',
      '',
    ].join('\n'),
  );
  const dbPath = join(dir, 'study.db');
  const summary = await explore({ studyPath, dbPath, driver: loadGeneratorDriver, progress: silentProgress });
  assert.equal(summary.completed, 2, JSON.stringify(readTrialRows(dbPath).map((row) => row.failure)));
  const rows = readTrialRows(dbPath);
  assert.deepEqual(rows.map((row) => row.configuration.protocol).sort(), ['kserve-http', 'kserve-http-binary']);
  for (const row of rows) {
    assert.ok(row.metrics.achieved_rps! > 0, JSON.stringify(row.metrics));
    assert.equal(row.metrics.energy_j_per_inf, undefined);
    assert.equal(row.metrics.cpu_util, undefined);
  }
  assert.equal(server.exitInfo, undefined, 'the external server keeps running');
});
