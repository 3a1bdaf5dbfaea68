import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { createRng } from '../../../src/core/random.js';
import type { TrialRow } from '../../../src/core/trial.js';
import { fullFactorial } from '../../support/analysis/synthetic.js';

/**
 * y = 100 + scale·(10·a − 6·b + 8·a·b) + curvature·(log2 threads − 1.5)², with a = batch, b = cache coded
 * −1/+1 and protocol inert; Gaussian noise.
 */
function plantedRows(seed: number, noiseSd = 2, scale = 1, curvature = 4): TrialRow[] {
  const rng = createRng(seed, `planted#${seed}`);
  const code = (v: unknown, low: unknown): number => (v === low ? -1 : 1);
  const rows: TrialRow[] = [];
  fullFactorial({ batch: [1, 8], cache: [false, true], protocol: ['grpc', 'http'], threads: [1, 2, 4, 8] }).forEach((configuration, index) => {
    const a = code(configuration.batch, 1);
    const b = code(configuration.cache, false);
    const t = Math.log2(configuration.threads as number);
    const truth = 100 + scale * (10 * a - 6 * b + 8 * a * b) + curvature * (t - 1.5) ** 2;
    for (let repetition = 0; repetition < 3; repetition++) {
      rows.push({
        trialId: `t${index}`, configuration, context: { model: 'm', workload: 'w', load: 'l' }, repetition, state: 'completed', valid: true,
        metrics: { p99_ms: truth + noiseSd * rng.normal(), energy_j_per_inf: 1 + 0.01 * rng.normal() },
      });
    }
  });
  return rows;
}

test('a planted main effect and interaction are recovered with the right sign and significance', () => {
  const result = analyzeTrials(plantedRows(1), { skipPrediction: true });
  const effects = result.effects.p99_ms!;
  const main = new Map(effects.main.map((e) => [e.knob, e]));
  // batch: high − low = (+10 − (−10)) = +20; cache: −12; protocol: 0.
  const batch = main.get('batch')!;
  assert.ok(batch.significant && batch.pValue < 1e-6 && Math.abs(batch.effectSize - 20) < 2, `batch ${batch.effectSize} p=${batch.pValue}`);
  assert.ok(batch.ci[0] < 20 && batch.ci[1] > 20, 'the interval covers the planted effect');
  const cache = main.get('cache')!;
  assert.ok(cache.significant && Math.abs(cache.effectSize + 12) < 2, `cache ${cache.effectSize}`);
  const protocol = main.get('protocol')!;
  assert.equal(protocol.significant, false, `protocol has no effect (p=${protocol.pValue})`);
  const interactions = new Map(effects.interactions.map((e) => [e.knobs.join('×'), e]));
  // Difference of differences: 8·(1 − (−1) − (−1) + 1) = 32.
  const batchCache = interactions.get('batch×cache')!;
  assert.ok(batchCache.significant && batchCache.pValue < 1e-6 && Math.abs(batchCache.effectSize - 32) < 4, `batch×cache ${batchCache.effectSize}`);
  for (const [name, effect] of interactions) {
    if (name !== 'batch×cache') assert.equal(effect.significant, false, `${name} is not planted (p=${effect.pValue})`);
  }
  const threads = main.get('threads')!;
  assert.equal(threads.nonMonotonic, true, 'the U-shaped threads effect is non-monotonic');
  assert.ok(['2', '4'].includes(threads.turningLevel!) && threads.turningKind === 'minimum');
  assert.ok(result.findings.some((f) => f.kind === 'non-monotonic' && f.text.includes('threads')));
  assert.ok(result.findings.some((f) => f.kind === 'main-effect' && f.text.includes('Raising batch from 1 to 8 raises p99_ms')));
  const importance = effects.importance.map((i) => i.knob);
  assert.equal(importance[importance.length - 1], 'protocol', 'the inert knob is least important');
});

test('an interaction stronger than the main effects is flagged as a surprise', () => {
  const rng = createRng(4, 'pure-interaction');
  const rows: TrialRow[] = [];
  fullFactorial({ a: [0, 1], b: [0, 1] }).forEach((configuration, index) => {
    const truth = configuration.a === configuration.b ? 50 : 70;
    for (let repetition = 0; repetition < 4; repetition++) {
      rows.push({ trialId: `t${index}`, configuration, context: { model: 'm', workload: 'w', load: 'l' }, repetition, state: 'completed', valid: true, metrics: { p99_ms: truth + rng.normal(), energy_j_per_inf: truth / 10 } });
    }
  });
  const result = analyzeTrials(rows, { skipPrediction: true });
  const interaction = result.effects.p99_ms!.interactions[0]!;
  assert.ok(interaction.significant && interaction.effectSize < -35, `a×b ${interaction.effectSize}`);
  assert.ok(result.effects.p99_ms!.main.every((e) => !e.significant), 'no main effect');
  assert.equal(result.findings[0]?.kind, 'interaction-stronger-than-main');
});

test('a difference smaller than its noise is never reported as an effect', () => {
  // Planted effects 20 times smaller than the noise.
  const result = analyzeTrials(plantedRows(2, 40, 0.05, 0), { skipPrediction: true });
  const effects = result.effects.p99_ms!;
  for (const e of [...effects.main, ...effects.interactions]) {
    if (e.significant) continue;
    assert.ok(e.ci[0] <= 0 && e.ci[1] >= 0 || e.pValue >= 0.05, 'not significant means within noise');
  }
  for (const e of effects.main) {
    const within = e.ci[0] <= 0 && e.ci[1] >= 0;
    if (within) assert.equal(e.significant, false, `${e.knob}: an interval that includes zero is never significant`);
    if (within) assert.ok(!result.findings.some((f) => f.kind === 'main-effect' && f.text.startsWith(`Raising ${e.knob} `)), `${e.knob} within noise has no finding`);
  }
});

test('with no effect at all, each unadjusted test is calibrated at alpha and Holm keeps any false effect rare', () => {
  let tests = 0;
  let unadjustedRejections = 0;
  let families = 0;
  let familiesWithAnEffect = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const effects = analyzeTrials(plantedRows(100 + seed, 5, 0, 0), { skipPrediction: true }).effects;
    for (const metric of Object.values(effects)) {
      assert.equal(metric.pAdjustMethod, 'holm');
      const all = [...metric.main, ...metric.interactions];
      for (const e of all) {
        tests++;
        if (e.pValue < 0.05) unadjustedRejections++;
        assert.ok(e.pAdjusted >= e.pValue, 'an adjusted p-value is never below the unadjusted one');
        if (e.significant) assert.ok(e.pAdjusted < 0.05, 'significance uses the adjusted p-value');
      }
      families++;
      if (all.some((e) => e.significant)) familiesWithAnEffect++;
    }
  }
  const rate = unadjustedRejections / tests;
  assert.ok(rate > 0.01 && rate < 0.09, `unadjusted false-positive rate ${rate} over ${tests} null tests (alpha 0.05)`);
  assert.ok(familiesWithAnEffect / families <= 0.1, `${familiesWithAnEffect} of ${families} pure-noise metrics carry a significant effect after Holm`);
});

test('unstable configurations, failed and invalid rows are excluded and counted', () => {
  const rows = plantedRows(3);
  const first = rows[0]!;
  const extra: TrialRow[] = [
    { ...first, trialId: 'bad', configuration: { ...first.configuration, protocol: 'http', threads: 16 }, repetition: 0, metrics: { p99_ms: 10, energy_j_per_inf: 1 } },
    { ...first, trialId: 'bad', configuration: { ...first.configuration, protocol: 'http', threads: 16 }, repetition: 1, metrics: { p99_ms: 90, energy_j_per_inf: 1 } },
    { ...first, trialId: 'f', state: 'failed', metrics: {}, failure: { kind: 'crash', reason: 'exit 1' } },
    { ...first, trialId: 'i', valid: false },
    { ...first, trialId: 'p', state: 'planned', metrics: {} },
  ];
  const result = analyzeTrials([...rows, ...extra], { skipPrediction: true });
  assert.deepEqual(
    { invalid: result.excluded.invalid, failed: result.excluded.failed, unstable: result.excluded.unstable, incomplete: result.excluded.incomplete, analyzed: result.excluded.analyzedRows },
    { invalid: 1, failed: 1, unstable: 2, incomplete: 1, analyzed: rows.length },
  );
  assert.ok(!result.knobs.find((k) => k.name === 'threads')!.levels.includes('16') || result.effects.p99_ms!.main.find((e) => e.knob === 'threads')!.levels.every((l) => l.level !== '16'));
});

test('an unbalanced design (a random half of the configurations, 1–3 repetitions) still recovers the planted effects', () => {
  const rng = createRng(8, 'subset#8');
  const all = plantedRows(5);
  const keep = new Set([...new Set(all.map((r) => r.trialId))].filter(() => rng.next() < 0.5));
  const rows = all.filter((r) => keep.has(r.trialId) && (r.repetition === 0 || rng.next() < 0.6));
  const result = analyzeTrials(rows, { skipPrediction: true });
  const main = new Map(result.effects.p99_ms!.main.map((e) => [e.knob, e]));
  assert.ok(main.get('batch')!.significant && main.get('batch')!.effectSize > 0);
  assert.ok(main.get('cache')!.significant && main.get('cache')!.effectSize < 0);
  const batchCache = result.effects.p99_ms!.interactions.find((e) => e.knobs.join('×') === 'batch×cache')!;
  assert.ok(batchCache.significant && batchCache.effectSize > 20, `batch×cache ${batchCache.effectSize}`);
});
