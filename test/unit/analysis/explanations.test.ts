import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { explainFinding } from '../../../src/analysis/explanations.js';
import { prepareStudy } from '../../../src/analysis/prepare.js';
import type { Configuration } from '../../../src/core/space.js';
import type { TrialContext } from '../../../src/core/trial.js';
import { syntheticRows } from '../../support/analysis/synthetic.js';

const OBJECTIVES = [{ metric: 'p99_ms', direction: 'min' as const }];
const KNOBS = { 'batching.enabled': [false, true], instances: [1, 2], 'ort.intraOpThreads': [1, 2, 4] };
const SMALL: TrialContext = { model: 'mnist-cnn', workload: 'digits', load: 'medium' };
const LARGE: TrialContext = { model: 'resnet18', workload: 'imagenet', load: 'medium' };

/** Batching adds about 2 ms of batching wait in both models, and saves 7.4 ms of compute only in the large one. */
function truth(configuration: Configuration, context: TrialContext): Record<string, number> {
  const batching = configuration['batching.enabled'] === true;
  const large = context.model === 'resnet18';
  const threads = configuration['ort.intraOpThreads'] as number;
  const parts = {
    p99_send_lag_ms: 0.3,
    p99_transport_ms: 0.6,
    p99_server_batching_ms: batching ? 2 : 0,
    p99_server_queue_ms: 0.5 + 0.1 * (configuration.instances as number),
    p99_server_compute_ms: large ? (batching ? 8.6 : 16) * (1 + 0.05 * threads) : batching ? 0.08 : 0.1,
    p99_server_serialize_ms: 0.05,
  };
  return {
    ...parts,
    p99_ms: Object.values(parts).reduce((sum, value) => sum + value, 0),
    cpu_util: batching ? 0.8 : 1,
    mean_batch_size: batching ? 3 : 1,
    cache_hit_rate: 0.0001,
    achieved_rps: 100,
  };
}

const MODELS = { 'mnist-cnn': { gflopsPerSample: 0.0023, parameters: 4e4 }, resnet18: { gflopsPerSample: 3.64, parameters: 1.17e7 } };

test('a batching sign flip is explained by batching wait in the small model and compute saved in the large one', () => {
  const rows = syntheticRows({ knobs: KNOBS, environments: [SMALL, LARGE], repetitions: 3, relativeNoise: 0.02, truth, seed: 3 });
  const analysis = analyzeTrials(rows, { objectives: OBJECTIVES, skipPrediction: true, models: MODELS });
  const flip = analysis.findings.find((f) => f.kind === 'sign-flip' && f.text.includes('batching.enabled'));
  assert.ok(flip, `a sign flip of batching is found: ${analysis.findings.map((f) => f.kind).join(', ')}`);
  const explanation = flip.explanation;
  assert.ok(explanation, 'the sign flip is explained');
  assert.equal(explanation.decomposed, true);
  const [lowering, raising] = explanation.comparisons;
  assert.match(lowering!.where, /resnet18/);
  assert.deepEqual(lowering!.accountedBy, ['compute']);
  assert.deepEqual(lowering!.offsetBy, ['batching wait']);
  assert.match(raising!.where, /mnist-cnn/);
  assert.deepEqual(raising!.accountedBy, ['batching wait']);
  const wait = raising!.components.find((c) => c.label === 'batching wait')!;
  assert.ok(wait.ci && wait.ci[0] < 2 && wait.ci[1] > 2, `batching wait +2 ms lies in its interval ${wait.ci}`);
  const computeSaved = lowering!.components.find((c) => c.label === 'compute')!;
  assert.ok(computeSaved.difference < -6 && computeSaved.difference > -9, `compute saved in resnet18: ${computeSaved.difference}`);
  assert.equal(explanation.differencesAccountedBy?.[0], 'compute', 'the difference between the models lies in compute');
  assert.ok(explanation.properties?.some((p) => p.name === 'GFLOPs per sample' && p.ratio > 1000));
  assert.match(explanation.text, /accounted for by compute/);
  assert.match(explanation.text, /GFLOPs per sample/);
  // The parts add up to the measured change of the objective.
  for (const comparison of explanation.comparisons) {
    const sum = comparison.components.reduce((total, c) => total + c.difference, 0);
    // Each metric carries its own measurement noise (2%), so the sum matches within it.
    assert.ok(Math.abs(sum - comparison.objective.difference) < 0.05 * Math.abs(comparison.objective.difference) + 0.1, `${comparison.where}: parts sum ${sum} to the change ${comparison.objective.difference}`);
  }
});

test('pure noise: no finding, so no explanation; a subject measured without a decomposition compares the load alone', () => {
  const rows = syntheticRows({
    knobs: KNOBS,
    environments: [SMALL],
    repetitions: 3,
    relativeNoise: 0.05,
    truth: () => ({ p99_ms: 5, p99_send_lag_ms: 0.5, p99_transport_ms: 1, p99_server_queue_ms: 1, p99_server_compute_ms: 2, p99_server_serialize_ms: 0.5, cpu_util: 1 }),
    seed: 11,
  });
  const analysis = analyzeTrials(rows, { objectives: OBJECTIVES, skipPrediction: true });
  assert.equal(analysis.findings.length, 0, analysis.findings.map((f) => f.text).join('\n'));

  const withoutParts = syntheticRows({ knobs: KNOBS, environments: [SMALL], repetitions: 2, relativeNoise: 0.02, truth: (c) => ({ p99_ms: c['batching.enabled'] ? 8 : 5, cpu_util: c['batching.enabled'] ? 0.5 : 1 }), seed: 5 });
  const explanation = explainFinding({ kind: 'knob-change', metric: 'p99_ms', knob: 'batching.enabled', from: 'false', to: 'true' }, prepareStudy(withoutParts, { objectives: OBJECTIVES }));
  assert.ok(explanation);
  assert.equal(explanation.decomposed, false);
  assert.equal(explanation.comparisons[0]!.components.length, 0);
  assert.equal(explanation.comparisons[0]!.method, 'paired');
  assert.equal(explanation.comparisons[0]!.samples, 6);
  assert.match(explanation.text, /no latency decomposition/);
  assert.match(explanation.text, /server CPU use 0\.99\d → 0\.49\d/);
});

test('an effect whose parts each move less than a quarter of it is not pinned on any one part', () => {
  const rows = syntheticRows({
    knobs: { 'batching.enabled': [false, true] , instances: [1, 2, 4]},
    environments: [SMALL],
    repetitions: 3,
    relativeNoise: 0.01,
    truth: (c) => {
      const step = c['batching.enabled'] ? 1 : 0;
      const parts = { p99_send_lag_ms: 1 + step, p99_transport_ms: 1 + step, p99_server_queue_ms: 1 + step, p99_server_compute_ms: 1 + step, p99_server_serialize_ms: 1 + step };
      return { ...parts, p99_ms: Object.values(parts).reduce((a, b) => a + b, 0) };
    },
  });
  const explanation = explainFinding({ kind: 'knob-change', metric: 'p99_ms', knob: 'batching.enabled', from: 'false', to: 'true' }, prepareStudy(rows, { objectives: OBJECTIVES }))!;
  assert.deepEqual(explanation.comparisons[0]!.accountedBy, []);
  assert.match(explanation.text, /no single part accounts for a quarter of it/);
});
