/**
 * Validity of the effect tests on simulated unbalanced studies (seeded, so every run sees the same datasets):
 * an inert knob among environment-dependent and interacting knobs is rarely called significant, pure noise
 * rarely yields any significant main effect after the Holm adjustment, and an effect of 5 noise standard
 * deviations is found nearly always.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeEffects } from '../../../src/analysis/effects.js';
import { prepareStudy } from '../../../src/analysis/prepare.js';
import type { TrialContext, TrialRow } from '../../../src/core/trial.js';
import type { MetricEffects } from '../../../src/analysis/types.js';
import { unbalancedRows, type UnbalancedSpec } from '../../support/analysis/unbalanced-studies.js';

const DATASETS = 40;
const ALPHA = 0.05;
const NOISE_SD = 1;
const environments: TrialContext[] = ['light', 'medium', 'heavy'].map((load) => ({ model: 'resnet50', workload: 'imagenet-val', load }));
const knobs = { batch: [1, 4, 16], cache: [false, true], threads: [1, 2, 4, 8], protocol: ['grpc', 'http'] };

/**
 * p99: environment level, a batch effect whose sign depends on the environment, a threads effect that exists only
 * under heavy load, a batch × threads interaction, and cache lowering p99 by 5 noise SDs everywhere. energy:
 * environment level, batch and threads. protocol is inert for both.
 */
const planted: UnbalancedSpec['truth'] = (c, context) => {
  const level = { light: 20, medium: 35, heavy: 60 }[context.load]!;
  const steps = Math.log2(c.batch as number) / 2;
  const batchSlope = { light: 3, medium: 0.5, heavy: -4 }[context.load]!;
  const threadSteps = Math.log2(c.threads as number);
  const threads = context.load === 'heavy' ? -1.5 * threadSteps : 0;
  return {
    p99_ms: level + batchSlope * steps + threads + 0.8 * steps * threadSteps - (c.cache ? 5 * NOISE_SD : 0),
    energy_j_per_inf: level / 10 - 0.6 * steps + 0.3 * threadSteps,
  };
};

const noKnobMatters: UnbalancedSpec['truth'] = (_c, context) => {
  const level = { light: 20, medium: 35, heavy: 60 }[context.load]!;
  return { p99_ms: level, energy_j_per_inf: level / 10 };
};

function pooledEffects(rows: TrialRow[]): Record<string, MetricEffects> {
  const study = prepareStudy(rows);
  return computeEffects(study, study.groups, { alpha: ALPHA, pooled: true, seed: 1, importanceMetrics: [] });
}

function spec(truth: UnbalancedSpec['truth'], seed: number, repetitions: readonly [number, number]): UnbalancedSpec {
  return { knobs, environments, keepFraction: 0.6, repetitions, failedFraction: 0.04, invalidFraction: 0.04, noiseSd: NOISE_SD, truth, seed };
}

test('unbalanced studies: the inert knob is called significant near alpha, the 5-SD cache effect nearly always', () => {
  let inertMain = 0;
  let inertInteraction = 0;
  let cacheFound = 0;
  let cacheCovered = 0;
  let cacheEstimateSum = 0;
  for (let seed = 1; seed <= DATASETS; seed++) {
    const effects = pooledEffects(unbalancedRows(spec(planted, 1000 + seed, [1, 3])));
    const inertMainHere = Object.values(effects).some((m) => m.main.find((e) => e.knob === 'protocol')!.significant);
    const inertInteractionHere = Object.values(effects).some((m) => m.interactions.some((e) => e.knobs.includes('protocol') && e.significant));
    if (inertMainHere) inertMain++;
    if (inertInteractionHere) inertInteraction++;
    const cache = effects.p99_ms!.main.find((e) => e.knob === 'cache')!;
    assert.equal(cache.testedIn, 'full-model', 'the design carries the whole model');
    if (cache.significant && cache.effectSize < 0) cacheFound++;
    if (cache.ci[0] <= -5 && cache.ci[1] >= -5) cacheCovered++;
    cacheEstimateSum += cache.effectSize;
  }
  const summary = `inert main ${inertMain}/${DATASETS}, inert interaction ${inertInteraction}/${DATASETS}, cache found ${cacheFound}/${DATASETS}, covered ${cacheCovered}/${DATASETS}, mean estimate ${cacheEstimateSum / DATASETS}`;
  assert.ok(inertMain / DATASETS <= 0.1, summary);
  assert.ok(inertInteraction / DATASETS <= 0.1, summary);
  assert.ok(cacheFound / DATASETS >= 0.95, summary);
  // The interval is a 95% interval of the least-squares effect: it should cover the truth about that often.
  assert.ok(cacheCovered / DATASETS >= 0.85, summary);
  assert.ok(Math.abs(cacheEstimateSum / DATASETS + 5) < 0.2, summary);
});

test('pure-noise studies (2–3 repetitions): at most 10% carry any significant main effect after the Holm adjustment', () => {
  let withMainEffect = 0;
  let withAnyEffect = 0;
  for (let seed = 1; seed <= DATASETS; seed++) {
    const effects = Object.values(pooledEffects(unbalancedRows(spec(noKnobMatters, 2000 + seed, [2, 3]))));
    if (effects.some((m) => m.main.some((e) => e.significant))) withMainEffect++;
    if (effects.some((m) => [...m.main, ...m.interactions].some((e) => e.significant))) withAnyEffect++;
  }
  const summary = `${withMainEffect}/${DATASETS} datasets with a significant main effect, ${withAnyEffect}/${DATASETS} with any significant effect`;
  assert.ok(withMainEffect / DATASETS <= 0.1, summary);
  assert.ok(withAnyEffect / DATASETS <= 0.1, summary);
});
