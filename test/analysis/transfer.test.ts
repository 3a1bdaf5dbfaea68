import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTrials } from '../../src/analysis/analyze.js';
import { pearson } from '../../src/analysis/stats/correlation.js';
import { createRng } from '../../src/core/random.js';
import { rowsFrom } from './rows.js';

const objectives = [{ metric: 'p99_ms', direction: 'min' as const }];
const levels = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

test('a linear shift between environments transfers perfectly', () => {
  const rows = rowsFrom([
    ...levels.map((x) => ({ configuration: { x }, context: { model: 'small' }, repetitions: [{ p99_ms: 3 * x + 1 }] })),
    ...levels.map((x) => ({ configuration: { x }, context: { model: 'large' }, repetitions: [{ p99_ms: 2 * (3 * x + 1) + 5 }] })),
  ]);
  const result = analyzeTrials(rows, { objectives, skipPrediction: true });
  const pair = result.transfer.find((t) => t.source === 'small|w|l' && t.target === 'large|w|l')!;
  assert.equal(pair.commonConfigurations, 10);
  assert.ok(Math.abs(pair.pearson - 1) < 1e-12 && Math.abs(pair.spearman - 1) < 1e-12 && Math.abs(pair.kendall - 1) < 1e-12);
  assert.ok(pair.kl < 1e-9, `same shape after scaling, KL ${pair.kl}`);
  assert.deepEqual([pair.topOverlap, pair.bottomOverlap, pair.paretoOverlap], [1, 1, 1]);
  assert.deepEqual(pair.regret, { absolute: 0, percent: 0 });
  assert.deepEqual(result.correlationMatrices.find((m) => m.across === 'model')!.values, [[1, 1], [1, 1]]);
});

test('known correlation and known regret of transfer', () => {
  // Source: best at x=1. Target: |x − 5| + 10, best at x=5 (10); the source's best costs 14 there: 4 more, 40%.
  const target = (x: number): number => Math.abs(x - 5) + 10;
  const rows = rowsFrom([
    ...levels.map((x) => ({ configuration: { x }, context: { workload: 'images' }, repetitions: [{ p99_ms: x }] })),
    ...levels.map((x) => ({ configuration: { x }, context: { workload: 'text' }, repetitions: [{ p99_ms: target(x) }] })),
  ]);
  const result = analyzeTrials(rows, { objectives, skipPrediction: true });
  const pair = result.transfer.find((t) => t.source === 'm|images|l')!;
  assert.equal(pair.target, 'm|text|l');
  assert.ok(Math.abs(pair.pearson - pearson(levels, levels.map(target))) < 1e-12);
  // statistics.correlation in Python 3.11 gives 0.29012942659282975 for these two vectors.
  assert.ok(Math.abs(pair.pearson - 0.29012942659282975) < 1e-12, `pearson ${pair.pearson}`);
  assert.deepEqual(pair.regret, { absolute: 4, percent: 40 });
  assert.equal(pair.sourceBest, '{"x":1}');
  assert.equal(pair.targetBest, '{"x":5}');
  assert.equal(pair.topOverlap, 0, 'top 10% is x=1 in the source and x=5 in the target');
  assert.ok(Number.isNaN(pair.regretPercentCi[0]), 'no repetitions: no interval');
  const reverse = result.transfer.find((t) => t.source === 'm|text|l')!;
  // The target's best x=5 run in the source costs 5 against 1 there: 4 more, 400%.
  assert.deepEqual(reverse.regret, { absolute: 4, percent: 400 });
  const workloads = result.correlationMatrices.find((m) => m.across === 'workload')!;
  assert.deepEqual(workloads.labels, ['images', 'text']);
  assert.ok(Math.abs(workloads.values[0]![1]! - pair.pearson) < 1e-12);
  assert.ok(result.findings.some((f) => f.kind === 'optimum-does-not-transfer' && f.text.includes('is 400% (no repetitions: noise unknown)')));
});

test('regret with repetitions has a bootstrap interval around the planted value, and sign flips are found', () => {
  const rng = createRng(21, 'regret');
  const measure = (value: number) => Array.from({ length: 5 }, () => ({ p99_ms: value * (1 + 0.01 * rng.normal()) }));
  const rows = rowsFrom([
    ...levels.map((x) => ({ configuration: { x }, context: { load: 'light' }, repetitions: measure(10 + x) })),
    ...levels.map((x) => ({ configuration: { x }, context: { load: 'heavy' }, repetitions: measure(40 - 2 * x) })),
  ]);
  const result = analyzeTrials(rows, { objectives, skipPrediction: true });
  const pair = result.transfer.find((t) => t.source === 'm|w|light')!;
  // light's best x=1 costs 38 under heavy load, whose best x=10 costs 20: +18, 90%.
  assert.ok(Math.abs(pair.regret.percent - 90) < 3, `regret ${pair.regret.percent}%`);
  assert.ok(pair.regretPercentCi[0] < 90 && pair.regretPercentCi[1] > 90 && pair.regretPercentCi[0] > 80, `CI ${pair.regretPercentCi}`);
  assert.ok(pair.pearson < -0.99 && pair.kendall < -0.9);
  assert.deepEqual(pair.signFlips, ['x']);
  assert.ok(result.findings.some((f) => f.kind === 'sign-flip' && f.text.startsWith('Raising x from 1 to 10 lowers p99_ms in m|w|heavy')));
});
