/** A trial that outlives its time limit (here: a load run that never returns) fails as 'timeout'; the server is stopped. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LoadDriver } from '../../../src/run/load-driver.js';
import { silentProgress } from '../../../src/run/progress.js';
import { explore } from '../../../src/run/runner.js';
import { readTrialRows } from '../../../src/store/read-rows.js';

test('a hung trial ends at the time limit as a failed trial with its reason', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-timeout-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const studyPath = join(dir, 'study.yaml');
  writeFileSync(studyPath, 'name: hung\nmodels: [mnist-cnn]\nworkloads: [mnist-digits]\nload:\n  pattern: constant\n  rates: [10]\n  duration: 1s\n  warmup: 0s\ntrialTimeout: 1500ms\n');
  let serverPid = 0;
  const hungDriver: LoadDriver = {
    capacity: () => new Promise(() => undefined),
    run: (request) => {
      serverPid = request.serverPid ?? 0;
      return new Promise(() => undefined);
    },
  };
  const dbPath = join(dir, 'study.db');
  const summary = await explore({ studyPath, dbPath, driver: hungDriver, progress: silentProgress });
  assert.equal(summary.failed, 1);
  const [row] = readTrialRows(dbPath);
  assert.equal(row!.state, 'failed');
  assert.deepEqual(row!.failure, { kind: 'timeout', reason: 'the trial exceeded its time limit of 1500 ms' });
  assert.ok(serverPid > 0);
  assert.equal(existsSync(`/proc/${serverPid}`), false, 'the server of the hung trial was stopped');
});
