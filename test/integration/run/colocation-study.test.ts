/**
 * A tiny co-location study end to end on the real embedded server (loopback): mnist-cnn alone, then mnist-cnn and
 * sentiment-cls served together by one server under one mixed load. Each model gets its own row, named with the
 * group it was served with, and the shared server's energy is attributed to the two models so that the parts sum
 * to the measured total.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { silentProgress } from '../../../src/run/progress.js';
import { explore } from '../../../src/run/runner.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';

const STUDY = `
name: colocation-e2e
models: [mnist-cnn, sentiment-cls]
workloads: [mnist-digits, sentiment-sentences]
colocation:
  groups: [[mnist-cnn], [mnist-cnn, sentiment-cls]]
  workloads: { mnist-cnn: mnist-digits, sentiment-cls: sentiment-sentences }
load:
  pattern: poisson
  rates: [40]
  duration: 1500ms
  warmup: 300ms
seed: 3
energy: { meter: estimate }
objectives: [{ metric: p50_ms }, { metric: energy_j_per_inf }]   # few requests needed: the short trials are not extended
`;

interface Attribution {
  readonly label: string;
  readonly basis: string;
  readonly totalEnergyJ: number;
  readonly parts: readonly { model: string; energyJ: number; share: number }[];
}

test('co-served models: one server, one row per model named with its group, energy attributed summing to the total', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-colocation-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const studyPath = join(dir, 'study.yaml');
  const dbPath = join(dir, 'study.db');
  writeFileSync(studyPath, STUDY);

  const summary = await explore({ studyPath, dbPath, progress: silentProgress });
  assert.equal(summary.planned, 3);

  const store = openSqliteStore(dbPath);
  t.after(() => store.close());
  const trials = store.trials('colocation-e2e');
  assert.equal(trials.length, 3);
  const failures = trials.filter((trial) => trial.state !== 'completed').map((trial) => trial.row.failure?.reason);
  assert.deepEqual(failures, [], 'every trial completed');

  const contexts = trials.map((trial) => `${trial.row.context.model} @ ${trial.row.context.coServed}`).sort();
  assert.deepEqual(contexts, ['mnist-cnn @ mnist-cnn', 'mnist-cnn @ mnist-cnn+sentiment-cls', 'sentiment-cls @ mnist-cnn+sentiment-cls']);

  const together = trials.filter((trial) => trial.row.context.coServed === 'mnist-cnn+sentiment-cls');
  for (const trial of together) {
    const m = trial.row.metrics;
    assert.ok(m.achieved_rps! > 20 && m.p50_ms! > 0, `${trial.row.context.model}: ${JSON.stringify(m)}`);
    assert.ok(m.mix_achieved_rps! > m.achieved_rps!, 'the combined throughput counts both models');
    assert.equal(trial.row.context.workload, trial.row.context.model === 'mnist-cnn' ? 'mnist-digits' : 'sentiment-sentences');
    const energy = trial.measurement?.energy as unknown as { source: string; scope: string } | undefined;
    assert.equal(energy?.source, 'estimate');
    assert.match(energy?.scope ?? '', /attributed to/);
  }
  const [first, second] = together;
  // One mixed run: both rows carry the same measured total, and their attributed parts add up to it.
  assert.equal(first!.row.metrics.mix_energy_j, second!.row.metrics.mix_energy_j);
  const total = first!.row.metrics.mix_energy_j!;
  assert.ok(total > 0);
  assert.ok(Math.abs(first!.row.metrics.energy_j! + second!.row.metrics.energy_j! - total) <= 1e-9 * total, 'parts sum to the total');
  assert.ok(Math.abs(first!.row.metrics.energy_share! + second!.row.metrics.energy_share! - 1) < 1e-9);
  const attribution = (first!.measurement?.applied as unknown as { energyAttribution?: Attribution } | undefined)?.energyAttribution;
  assert.equal(attribution?.label, 'attributed');
  assert.equal(attribution?.basis, 'server-compute-seconds', 'the server counts compute time per model');
  assert.ok(Math.abs(attribution!.parts.reduce((sum, part) => sum + part.energyJ, 0) - attribution!.totalEnergyJ) <= 1e-9 * total);

  const alone = trials.find((trial) => trial.row.context.coServed === 'mnist-cnn')!;
  assert.equal(alone.row.metrics.energy_share, 1, 'alone, a model is charged the whole server');

  // Trials this short back no p99 (INVALID by LoadGen's count), so the analysis is checked on the rows as measured.
  const result = analyzeTrials(trials.map((trial) => ({ ...trial.row, valid: true })), { skipPrediction: true });
  const interference = result.colocation?.interference ?? [];
  assert.equal(interference.length, 1);
  assert.equal(interference[0]?.model, 'mnist-cnn');
  assert.equal(interference[0]?.pairs, 1);
  assert.ok(interference[0]!.ratio > 0);
});
