/**
 * A small real study end to end (mnist-cnn, 2 knobs x 2 levels), interrupted: the `servelab explore` process
 * is killed with SIGKILL after its first completed trial, then the study is resumed. No completed trial is
 * lost or measured again, no server outlives the killed runner, and the export reads back in the analysis format.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseTrialCsv } from '../../../src/analysis/source/csv-rows.js';
import { loadGeneratorDriver } from '../../../src/run/load-adapter.js';
import { silentProgress } from '../../../src/run/progress.js';
import { explore } from '../../../src/run/runner.js';
import { exportStudy } from '../../../src/store/export.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { studyStatus } from '../../../src/store/status.js';
import { startServelab } from '../../support/cli.js';

const STUDY = `
name: resume-e2e
models: [mnist-cnn]
workloads: [mnist-digits]
knobs:
  instances: [1, 2]
  batching.enabled: [false, true]
load:
  pattern: poisson
  rates: [60]
  duration: 1500ms
  warmup: 300ms
seed: 5
objectives: [{ metric: p50_ms }, { metric: energy_j_per_inf }]   # few requests needed: the short trials are not extended
`;

function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('kill -9 of servelab explore, then resume: every trial completed exactly once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-resume-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const studyPath = join(dir, 'study.yaml');
  const dbPath = join(dir, 'study.db');
  writeFileSync(studyPath, STUDY);

  // The child's temporary files (server configs) land in `dir`, so its servers can be found by their command line.
  const cli = startServelab(['explore', studyPath, '--db', dbPath, '--quiet'], { env: { ...process.env, TMPDIR: dir } });
  const { child } = cli;
  t.after(() => cli.stop());
  const deadline = Date.now() + 90_000;
  let completedBeforeKill = 0;
  while (Date.now() < deadline && child.exitCode === null) {
    await sleep(250);
    try {
      const store = openSqliteStore(dbPath, { mustExist: true, readonly: true });
      completedBeforeKill = store.trialRows().filter((row) => row.state === 'completed').length;
      store.close();
    } catch {
      continue; // not created yet
    }
    if (completedBeforeKill >= 1) break;
  }
  assert.equal(child.exitCode, null, `explore ended before it could be killed: ${cli.output().stderr}`);
  assert.ok(completedBeforeKill >= 1, 'a trial completed before the deadline');
  await cli.stop('SIGKILL');
  // The servers die with their runner (parent-death signal).
  for (let i = 0; i < 20 && processesMentioning(dir).length > 0; i++) await sleep(100);
  assert.deepEqual(processesMentioning(dir), [], 'no server outlives the killed runner');

  const before = openSqliteStore(dbPath);
  const committed = before.trials('resume-e2e').filter((trial) => trial.state === 'completed');
  before.close();
  assert.ok(committed.length >= 1 && committed.length < 4, `${committed.length} completed before the kill`);

  const summary = await explore({ studyPath, dbPath, driver: loadGeneratorDriver, progress: silentProgress });
  assert.equal(summary.planned, 4);
  assert.equal(summary.completed + summary.failed, 4);
  assert.equal(summary.ranNow, 4 - committed.length);

  const store = openSqliteStore(dbPath);
  t.after(() => store.close());
  const trials = store.trials('resume-e2e');
  assert.equal(trials.length, 4);
  assert.equal(new Set(trials.map((trial) => JSON.stringify(trial.row.configuration))).size, 4);
  for (const done of committed) {
    const now = trials.find((trial) => trial.trialId === done.trialId)!;
    assert.equal(now.attempt, 1, 'a completed trial is not run again');
    assert.equal(now.finishedAt, done.finishedAt);
    assert.deepEqual(now.row.metrics, done.row.metrics);
  }
  const completed = trials.filter((trial) => trial.state === 'completed');
  assert.ok(completed.length >= 3, `failures: ${trials.map((trial) => trial.row.failure?.reason).join(' / ')}`);
  for (const trial of completed) {
    const m = trial.row.metrics;
    assert.ok(m.achieved_rps! > 0 && m.p99_ms! > 0 && m.cpu_util! > 0 && m.energy_j_per_inf! > 0, JSON.stringify(m));
    assert.equal(trial.measurement?.energy?.source, 'estimate');
  }

  const [status] = await studyStatus(dbPath);
  assert.equal(status!.planned, 4);
  assert.equal(status!.remaining, 0);
  assert.equal(status!.completed + status!.failed, 4);

  const csvPath = join(dir, 'trials.csv');
  await exportStudy(dbPath, { csvPath });
  const rows = parseTrialCsv(readFileSync(csvPath, 'utf8'), 'trials.csv');
  assert.equal(rows.length, 4);
  assert.deepEqual(Object.keys(rows[0]!.configuration).sort(), ['batching.enabled', 'instances']);
  assert.ok(rows.every((row) => row.context.model === 'mnist-cnn' && row.context.load === 'poisson@60rps'));
});
