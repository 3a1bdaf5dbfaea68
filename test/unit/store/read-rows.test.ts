import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { readTrialRows } from '../../../src/store/read-rows.js';

test('readTrialRows reads a study database synchronously, read-only', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-rows-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'study.db');
  assert.throws(() => readTrialRows(path), /no study database at/);
  const store = openSqliteStore(path);
  store.openStudy({ studyId: 's', definitionHash: 'h', definition: {}, seed: 1 });
  store.planTrials([{ trialId: 't1', studyId: 's', configuration: { instances: 2 }, context: { model: 'm', workload: 'w', load: 'l' }, repetition: 0 }]);
  store.startTrial('t1');
  store.completeTrial('t1', { metrics: { p99_ms: 3 }, valid: true });
  store.close();
  const rows = readTrialRows(path, 's');
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0]!.metrics, { p99_ms: 3 });
  assert.equal(rows[0]!.state, 'completed');
  assert.throws(() => readTrialRows(path, 'other'), /no study 'other'.*it holds: s/);
});
