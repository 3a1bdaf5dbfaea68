import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { formatNumber } from '../../../src/core/format.js';
import { pearson } from '../../../src/analysis/stats/correlation.js';
import { createRng } from '../../../src/core/random.js';
import { rowsFrom } from '../../support/analysis/rows.js';

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
  // Without repetitions there is no noise estimate: the regret is descriptive, never a finding.
  for (const p of [pair, reverse]) {
    assert.ok(Number.isNaN(p.regretPValue!) && p.regretSignificant === false, `${p.source}: p ${p.regretPValue}, significant ${p.regretSignificant}`);
  }
  assert.ok(!result.findings.some((f) => f.kind === 'optimum-does-not-transfer' || f.kind === 'weak-correlation'), result.findings.map((f) => f.text).join('\n'));
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
  assert.ok(pair.regretSignificant === true && pair.regretPValueAdjusted! < 0.05, `adjusted p ${pair.regretPValueAdjusted}`);
  assert.ok(result.findings.some((f) => f.kind === 'optimum-does-not-transfer' && f.text.startsWith('The optimum of m|w|light (x=1) does not transfer to m|w|heavy')));
  assert.ok(pair.pearson < -0.99 && pair.kendall < -0.9);
  assert.deepEqual(pair.signFlips, ['x']);
  assert.ok(result.findings.some((f) => f.kind === 'sign-flip' && f.text.startsWith('Raising x from 1 to 10 lowers p99_ms in m|w|heavy')));
});

/** Repetitions of a true value with multiplicative Gaussian noise. */
function repeated(rng: ReturnType<typeof createRng>, value: number, count: number, relativeNoise: number): Record<string, number>[] {
  return Array.from({ length: count }, () => ({ p99_ms: value * (1 + relativeNoise * rng.normal()) }));
}

test('fewer than 5 common configurations: the pair is kept with the reason and no numbers, and nothing is claimed', () => {
  const rng = createRng(3, 'support');
  const rows = rowsFrom([
    ...[1, 2, 3, 4, 5, 6].map((x) => ({ configuration: { x }, context: { model: 'a' }, repetitions: repeated(rng, x, 3, 0.01) })),
    ...[3, 4, 5, 6, 7, 8].map((x) => ({ configuration: { x }, context: { model: 'b' }, repetitions: repeated(rng, 20 - x, 3, 0.01) })),
  ]);
  const result = analyzeTrials(rows, { objectives, skipPrediction: true });
  assert.equal(result.transfer.length, 2);
  for (const pair of result.transfer) {
    assert.equal(pair.commonConfigurations, 4);
    assert.deepEqual(pair.withheld, { code: 'too-few-common-configurations', message: 'too few common configurations: 4 measured in both environments, at least 5 needed' });
    for (const value of [pair.pearson, pair.spearman, pair.kendall, pair.kl, pair.topOverlap, pair.bottomOverlap, pair.paretoOverlap, pair.regret.percent, pair.regret.absolute, ...pair.regretPercentCi]) assert.ok(Number.isNaN(value));
    assert.equal(pair.regretSignificant, false);
  }
  const json = JSON.parse(JSON.stringify(result.transfer[0]));
  assert.equal(json.pearson, null);
  assert.deepEqual(json.regret, { absolute: null, percent: null });
  assert.ok(!result.findings.some((f) => f.kind === 'optimum-does-not-transfer' || f.kind === 'weak-correlation'));
  // One more common configuration (5) and the statements are made.
  const five = analyzeTrials([...rows, ...rowsFrom([{ configuration: { x: 2 }, context: { model: 'b' }, repetitions: repeated(rng, 18, 3, 0.01) }])], { objectives, skipPrediction: true });
  const supported = five.transfer.find((t) => t.source === 'a|w|l')!;
  assert.equal(supported.commonConfigurations, 5);
  assert.equal(supported.withheld, undefined);
  assert.ok(supported.pearson < -0.99);
  assert.ok(five.findings.some((f) => f.kind === 'optimum-does-not-transfer' && f.text.includes('over 5 common configurations')));
});

test('a tie study (nine configurations share the optimum) has regret 0 and no finding', () => {
  const rng = createRng(5, 'ties');
  const configurations = [1, 2, 3].flatMap((a) => [1, 2, 3].flatMap((b) => [true, false].map((fast) => ({ a, b, fast }))));
  const rows = rowsFrom(['small', 'large'].flatMap((model) => configurations.map((configuration) => ({
    configuration,
    context: { model },
    repetitions: repeated(rng, (configuration.fast ? 10 : 15) * (model === 'large' ? 2 : 1), 3, 0.03),
  }))));
  const result = analyzeTrials(rows, { objectives, skipPrediction: true });
  assert.equal(result.transfer.length, 2);
  for (const pair of result.transfer) {
    assert.ok(JSON.parse(pair.sourceBest).fast && JSON.parse(pair.targetBest).fast);
    assert.deepEqual(pair.regret, { absolute: 0, percent: 0 });
    assert.equal(pair.regretPercentCi[0], 0);
    assert.equal(pair.regretSignificant, false);
    assert.ok(pair.regretPValue! >= 0.05, `p ${pair.regretPValue}`);
  }
  // The two picks differ by noise alone: measured, the source's pick looks worse, which is what the tie rule absorbs.
  assert.ok(result.transfer.some((p) => p.observedRegret!.percent > 0), JSON.stringify(result.transfer.map((p) => p.observedRegret)));
  assert.ok(!result.findings.some((f) => f.kind === 'optimum-does-not-transfer'));
});

test('a regret of 50% or more with repetitions is significant, and its finding quotes every merged source its own numbers', () => {
  const rng = createRng(8, 'merged');
  const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const rows = rowsFrom([
    ...xs.map((x) => ({ configuration: { x }, context: { model: 'a' }, repetitions: repeated(rng, 10 + x, 3, 0.01) })),
    ...xs.map((x) => ({ configuration: { x }, context: { model: 'b' }, repetitions: repeated(rng, x === 1 ? 11 : 30 - x, 3, 0.01) })),
    ...xs.map((x) => ({ configuration: { x }, context: { model: 't' }, repetitions: repeated(rng, 10 + Math.abs(x - 6), 3, 0.01) })),
  ]);
  const result = analyzeTrials(rows, { objectives, skipPrediction: true });
  const fromA = result.transfer.find((t) => t.source === 'a|w|l' && t.target === 't|w|l')!;
  const fromB = result.transfer.find((t) => t.source === 'b|w|l' && t.target === 't|w|l')!;
  for (const pair of [fromA, fromB]) {
    assert.equal(pair.sourceBest, '{"x":1}');
    assert.ok(Math.abs(pair.regret.percent - 50) < 3, `regret ${pair.regret.percent}%`);
    assert.ok(pair.regretSignificant === true && pair.regretPercentCi[0] > 40, `CI ${pair.regretPercentCi}`);
  }
  assert.ok(Math.abs(fromA.pearson - fromB.pearson) > 0.1, `r ${fromA.pearson} vs ${fromB.pearson}`);
  const finding = result.findings.find((f) => f.kind === 'optimum-does-not-transfer' && f.text.startsWith('The optimum of a|w|l, b|w|l (x=1) does not transfer to t|w|l'));
  assert.ok(finding, result.findings.map((f) => f.text).join('\n'));
  for (const pair of [fromA, fromB]) {
    assert.ok(finding.text.includes(`${pair.source}: 95% CI ${formatNumber(pair.regretPercentCi[0])}% to ${formatNumber(pair.regretPercentCi[1])}%`), finding.text);
    assert.ok(finding.text.includes(`Pearson r=${formatNumber(pair.pearson)}, Spearman ρ=${formatNumber(pair.spearman)} over 10 common configurations`), finding.text);
    assert.equal(finding.numbers[`pearson@${pair.source}`], pair.pearson);
  }
});

test('the regret test and the spread test match scipy on a small fixture', () => {
  // Reference: scipy 1.10 (Debian python3-scipy), log scale, pooled SD over 5 configurations × 3 repetitions (df 10):
  //   min(1, 4 · min_d t.sf((mean(log y3) − mean(log yd)) / (sp·sqrt(2/3)), 10)) = 0.0024541038657224803
  //   f_oneway(*log y).pvalue = 1.6176815058734986e-06
  const target: Record<number, number[]> = { 1: [10.0, 10.4, 9.8], 2: [10.2, 10.1, 10.5], 3: [11.0, 11.5, 10.8], 4: [12.0, 12.3, 11.9], 5: [13.0, 13.4, 12.6] };
  const rows = rowsFrom([1, 2, 3, 4, 5].flatMap((x) => [
    { configuration: { x }, context: { load: 'source' }, repetitions: [0, 0.1, 0.2].map((d) => ({ p99_ms: Math.abs(x - 3) + 5 + d })) },
    { configuration: { x }, context: { load: 'target' }, repetitions: target[x]!.map((p99_ms) => ({ p99_ms })) },
  ]));
  const result = analyzeTrials(rows, { objectives, skipPrediction: true });
  const pair = result.transfer.find((t) => t.source === 'm|w|source')!;
  assert.equal(pair.sourceBest, '{"x":3}');
  assert.equal(pair.targetBest, '{"x":1}');
  assert.ok(Math.abs(pair.regretPValue! - 0.0024541038657224803) < 1e-9, `p ${pair.regretPValue}`);
  assert.ok(Math.abs(pair.configurationsDifferPValue!.target - 1.6176815058734986e-06) < 1e-12, `spread p ${pair.configurationsDifferPValue!.target}`);
  const means = Object.fromEntries(Object.entries(target).map(([x, v]) => [x, v.reduce((s, y) => s + y, 0) / v.length]));
  assert.ok(Math.abs(pair.regret.absolute - (means[3]! - means[1]!)) < 1e-12);
  assert.ok(Math.abs(pair.regret.percent - (100 * (means[3]! - means[1]!)) / means[1]!) < 1e-9);
});

test('a sign flip needs at least 5 configurations on each side', () => {
  const rng = createRng(13, 'flip');
  const study = (xs: readonly number[]) => rowsFrom(xs.flatMap((x) => [
    { configuration: { x }, context: { load: 'light' }, repetitions: repeated(rng, 10 + x, 3, 0.01) },
    { configuration: { x }, context: { load: 'heavy' }, repetitions: repeated(rng, 30 - 2 * x, 3, 0.01) },
  ]));
  const four = analyzeTrials(study([1, 2, 3, 4]), { objectives, skipPrediction: true });
  assert.ok(four.effectsByEnvironment['m|w|light']!.p99_ms!.main[0]!.significant, 'the effect itself is clear');
  assert.deepEqual(four.findings.filter((f) => f.kind === 'sign-flip' || f.kind === 'optimum-does-not-transfer'), []);
  const five = analyzeTrials(study([1, 2, 3, 4, 5]), { objectives, skipPrediction: true });
  assert.ok(five.findings.some((f) => f.kind === 'sign-flip'), five.findings.map((f) => f.kind).join(', '));
});
