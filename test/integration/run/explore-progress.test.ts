/**
 * `explore` on one machine through the study driver and its local worker (real servers, the fake load
 * driver): the progress it reports, stress-level capacities measured first, trials without a worker name,
 * the environment recorded on every run, and a finished study resumed without running anything again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ProgressReporter } from '../../../src/run/progress.js';
import { explore } from '../../../src/run/runner.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { fakeLoadDriver } from '../../support/dashboard/fake-driver.js';

const STUDY = `
name: local-worker
models: [mnist-cnn]
workloads: [mnist-digits]
knobs:
  instances: [1, 2]
load:
  pattern: constant
  levels: [light]
  duration: 1s
  warmup: 200ms
objectives: [{ metric: p50_ms }]
energy: { meter: estimate }
`;

function recordingProgress(): ProgressReporter & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    start: (total, done) => void events.push(`start ${done}/${total}`),
    trialStarted: (done, label) => void events.push(`started ${done} ${label}`),
    trialEnded: (done, line) => void events.push(`ended ${done} ${line}`),
    note: (line) => void events.push(`note ${line}`),
    stop: () => void events.push('stop'),
  };
}

test('explore reports every trial through its local worker and resumes a finished study without running it again', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-explore-progress-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const studyPath = join(dir, 'study.yaml');
  const dbPath = join(dir, 'study.db');
  writeFileSync(studyPath, STUDY);

  const progress = recordingProgress();
  const summary = await explore({ studyPath, dbPath, driver: fakeLoadDriver({ runWallMs: 50 }), progress });
  assert.deepEqual({ planned: summary.planned, completed: summary.completed, failed: summary.failed, ranNow: summary.ranNow, retried: summary.retried }, { planned: 2, completed: 2, failed: 0, ranNow: 2, retried: 0 });
  const events = progress.events;
  assert.equal(events[0], 'start 0/2');
  assert.match(events[1]!, /^note CPU layout: /);
  assert.deepEqual(events.slice(2, 4), [
    'note servelab: measuring the capacity of mnist-cnn with mnist-digits (default server settings) for the stress levels',
    'note servelab: capacity of mnist-cnn with mnist-digits: 500.0 req/s (fake driver: no capacity search)',
  ]);
  const trials = events.slice(4, -1);
  assert.equal(trials.length, 4, events.join('\n'));
  assert.match(trials[0]!, /^started 0 instances:[12] \| mnist-cnn mnist-digits constant@light #0$/);
  assert.match(trials[1]!, /^ended 1 (VALID  |INVALID) instances:[12] \| mnist-cnn mnist-digits constant@light #0 \| p99 [\d.]+ ms, [\d.]+ req\/s/);
  assert.match(trials[2]!, /^started 1 instances:[12] /);
  assert.match(trials[3]!, /^ended 2 /);
  assert.equal(events.at(-1), 'stop');

  const store = openSqliteStore(dbPath, { mustExist: true });
  try {
    for (const trial of store.trials('local-worker')) {
      assert.equal(trial.state, 'completed');
      assert.equal((trial.measurement?.applied as { worker?: unknown }).worker, undefined, 'a local trial names no worker machine');
      assert.match(trial.measurement?.applied?.threadPlacement ?? '', /I\/O/, 'the server says where its threads ran');
    }
    assert.equal(store.environments('local-worker').length, 1);
    assert.equal(store.studyLease('local-worker'), undefined);
  } finally {
    store.close();
  }

  const resumed = recordingProgress();
  const again = await explore({ studyPath, dbPath, driver: fakeLoadDriver({ runWallMs: 50 }), progress: resumed });
  assert.deepEqual({ completed: again.completed, ranNow: again.ranNow }, { completed: 2, ranNow: 0 });
  assert.deepEqual(resumed.events.map((event) => event.replace(/CPU layout: .*/, 'CPU layout')), ['start 2/2', 'note CPU layout', 'stop'], 'the capacity is kept; nothing runs again');
  const reopened = openSqliteStore(dbPath, { mustExist: true });
  try {
    assert.equal(reopened.environments('local-worker').length, 2, 'every run records the machine it ran on');
  } finally {
    reopened.close();
  }
});
