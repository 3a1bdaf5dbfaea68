/**
 * The machine that ran each trial of a distributed study: kept with the trial, exported as ctx.machine, read
 * back from CSV, optionally part of the analysis environment, and listed in the report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeTrials } from '../../../src/analysis/index.js';
import { parseTrialCsv } from '../../../src/analysis/source/csv-rows.js';
import { readStudyRows } from '../../../src/store/async-store.js';
import { toCsv, trialTable } from '../../../src/store/export.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { loadReportInput } from '../../../src/report/source.js';

function studyWithTwoMachines(path: string): void {
  const store = openSqliteStore(path);
  try {
    store.openStudy({ studyId: 'spread', definitionHash: 'h', definition: {}, seed: 1 });
    const trials = [];
    for (const instances of [1, 2, 4])
      for (const batching of [false, true])
        for (const repetition of [0, 1]) {
          trials.push({ trialId: `t-${instances}-${batching}-${repetition}`, studyId: 'spread', configuration: { instances, 'batching.enabled': batching }, context: { model: 'mnist-cnn', workload: 'mnist-digits', load: 'light' }, repetition });
        }
    store.planTrials(trials);
    for (const [index, trial] of trials.entries()) {
      const host = index % 2 === 0 ? 'm1' : 'm2';
      const slower = host === 'm2' ? 3 : 1; // a slower kind of machine
      store.startTrial(trial.trialId);
      store.completeTrial(trial.trialId, {
        metrics: { p99_ms: slower * (10 / Number(trial.configuration.instances) + (trial.configuration['batching.enabled'] ? 2 : 4)), energy_j_per_inf: slower * 0.01 * Number(trial.configuration.instances) },
        valid: true,
        applied: { worker: { host, cpuModel: `cpu-${host}`, cores: host === 'm1' ? 16 : 4, memoryMb: 32_000, pid: 1 } },
      });
    }
    for (const host of ['m1', 'm2']) {
      store.recordEnvironment('spread', { cpuModel: `cpu-${host}`, cores: 2, memoryMb: 1000, os: 'Linux', nodeVersion: 'v20', ortVersion: '1.30.0', meter: 'cpu-time-estimate', details: { worker: { host, cpuModel: `cpu-${host}`, cores: host === 'm1' ? 16 : 4, memoryMb: 32_000 } } });
    }
  } finally {
    store.close();
  }
}

test('the machine of each trial is a context: stored, exported, read back, analysed by machine on request, reported', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-machines-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'study.db');
  studyWithTwoMachines(path);

  const rows = await readStudyRows(path, 'spread');
  assert.deepEqual([...new Set(rows.map((row) => row.context.machine))].sort(), ['m1', 'm2']);

  const table = trialTable(rows);
  assert.ok(table.columns.includes('ctx.machine'));
  const back = parseTrialCsv(toCsv(table), 'export.csv');
  assert.deepEqual(back.map((row) => row.context.machine), rows.map((row) => row.context.machine));

  // Each configuration's two repetitions ran on different kinds of machine: pooled, they disagree 3x and are
  // excluded as unstable; with the machine as context each machine's trials are compared with themselves.
  assert.throws(() => analyzeTrials(rows, { seed: 1, skipPrediction: true }), /every configuration was unstable/);
  const byMachine = analyzeTrials(rows, { seed: 1, skipPrediction: true, byMachine: true });
  assert.deepEqual(byMachine.environments.map((e) => e.key), ['mnist-cnn|mnist-digits|light|m1', 'mnist-cnn|mnist-digits|light|m2']);
  assert.deepEqual(byMachine.environments.map((e) => e.machine), ['m1', 'm2']);

  const input = await loadReportInput(path, { modelCard: () => undefined });
  assert.deepEqual(input.workers, [
    { name: 'm1', cpuModel: 'cpu-m1', cores: 16, memoryMb: 32_000, completed: 6, failed: 0 },
    { name: 'm2', cpuModel: 'cpu-m2', cores: 4, memoryMb: 32_000, completed: 6, failed: 0 },
  ]);
  assert.equal(input.analysis.environments.length, 2, 'the report analyses machines of different kinds apart');
});
