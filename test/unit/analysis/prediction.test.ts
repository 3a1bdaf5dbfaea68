import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { syntheticRows } from '../../support/analysis/synthetic.js';

const knobs = { batch: [1, 2, 4, 8, 16, 32], threads: [1, 2, 4, 8], instances: [1, 2, 3, 4], cache: [false, true], protocol: ['grpc', 'http'] };
const p99 = (c: Record<string, unknown>): number => {
  const batch = c.batch as number;
  const threads = c.threads as number;
  return (4 + 30 / Math.sqrt(batch) + 2 * Math.log2(batch) * (c.instances as number) + 3 * Math.abs(Math.log2(threads) - 1)) * (c.cache ? 0.7 : 1) * (c.protocol === 'http' ? 1.1 : 1);
};

test('prediction error on held-out configurations falls as the training sample grows', () => {
  const rows = syntheticRows({
    knobs,
    environments: [{ model: 'resnet50', workload: 'images', load: 'light' }],
    repetitions: 1,
    relativeNoise: 0.02,
    truth: (c) => ({ p99_ms: p99(c), energy_j_per_inf: 0.2 + 1 / (c.batch as number) }),
  });
  const result = analyzeTrials(rows, { objectives: [{ metric: 'p99_ms', direction: 'min' }] });
  const curves = result.prediction.learningCurves;
  assert.deepEqual(curves.map((c) => c.model), ['linear-interactions', 'regression-tree', 'random-forest']);
  for (const curve of curves) {
    assert.equal(curve.heldOut, 96);
    assert.deepEqual(curve.points.map((p) => p.sampleSize), [10, 20, 40, 80, 160]);
    const first = curve.points[0]!.mape;
    const last = curve.points[curve.points.length - 1]!.mape;
    assert.ok(last < first / 2, `${curve.model}: MAPE ${first}% at 10 samples, ${last}% at 160`);
    assert.ok(curve.points[3]!.mape < curve.points[1]!.mape, `${curve.model}: 80 samples beat 20`);
  }
  const best = Math.min(...curves.map((c) => c.points[c.points.length - 1]!.mape));
  assert.ok(best < 10, `the best model predicts within 10% at 160 samples (${best}%)`);
});

test('a transfer model corrected with a few target samples beats learning on the target alone', () => {
  const rows = syntheticRows({
    knobs,
    environments: [{ model: 'mobilenetv2', workload: 'images', load: 'light' }, { model: 'resnet50', workload: 'images', load: 'light' }],
    repetitions: 1,
    relativeNoise: 0.02,
    truth: (c, ctx) => ({ p99_ms: ctx.model === 'resnet50' ? 1.8 * p99(c) + 6 : p99(c), energy_j_per_inf: 1 }),
  });
  const result = analyzeTrials(rows, { objectives: [{ metric: 'p99_ms', direction: 'min' }] });
  const comparison = result.prediction.transfer[0]!;
  assert.equal(comparison.metric, 'p99_ms');
  assert.notEqual(comparison.source, comparison.target);
  assert.deepEqual(comparison.points.map((p) => p.targetSamples), [3, 5, 10, 20, 40]);
  for (const point of comparison.points.slice(0, 3)) {
    assert.ok(point.transferMape < point.targetOnlyMape, `${point.targetSamples} samples: transfer ${point.transferMape}% vs target-only ${point.targetOnlyMape}%`);
  }
});
