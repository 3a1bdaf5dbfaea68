/**
 * Prediction: how well a performance model learned from a sample of configurations predicts held-out measured
 * configurations, as the sample grows (learning curves, per objective, in the environment with the most
 * configurations, or over all environments with the environment as a feature when none is large enough); and a transfer model — the source environment's model corrected by a + b·f_source(c), a and
 * b fitted on a few target samples — against the best target-only model trained on the same samples.
 */
import type { Rng } from '../core/random.js';
import { analysisRng } from './stats/seeded.js';
import { featureEncoder } from './models/features.js';
import { mape, trainPredictor } from './models/predictors.js';
import type { ConfigGroup, PreparedStudy } from './prepare.js';
import type { LearningCurve, PredictionModelKind, PredictionResult, TransferModelComparison } from './types.js';

export const PREDICTION_MODELS: readonly PredictionModelKind[] = ['linear-interactions', 'regression-tree', 'random-forest'];
export const LEARNING_SAMPLE_SIZES = [10, 20, 40, 80, 160, 320, 640];
export const TRANSFER_TARGET_SAMPLES = [3, 5, 10, 20, 40];
const HELD_OUT_FRACTION = 0.25;
const HELD_OUT_LIMIT = 2000;
const SOURCE_SAMPLE_LIMIT = 1000;
const REPEATS = 3;
/** Learning curves need the held-out set plus two sample sizes (10 and 20). */
const MIN_CURVE_CONFIGURATIONS = Math.ceil(LEARNING_SAMPLE_SIZES[1]! / (1 - HELD_OUT_FRACTION));
const TRANSFER_TARGETS = 3;

export function predictionAnalysis(study: PreparedStudy, seed: number): PredictionResult {
  const encoder = featureEncoder(study.knobs);
  const notes: string[] = [];
  const encoded = new Map<ConfigGroup, Float64Array>();
  const encode = (g: ConfigGroup): Float64Array => {
    const cached = encoded.get(g) ?? encoder.encode(g.configuration);
    encoded.set(g, cached);
    return cached;
  };
  const environmentIndex = new Map(study.environments.map((e, i) => [e.key, i]));
  const encodeWithEnvironment = (g: ConfigGroup): Float64Array => {
    const base = encode(g);
    const out = new Float64Array(base.length + study.environments.length);
    out.set(base);
    out[base.length + environmentIndex.get(g.environment)!] = 1;
    return out;
  };
  const bySize = [...study.environments].sort((a, b) => b.configurations - a.configurations || (a.key < b.key ? -1 : 1));
  const largest = bySize[0]!;
  const learningCurves: LearningCurve[] = [];
  const transfer: TransferModelComparison[] = [];
  for (const objective of study.objectives) {
    const m = study.metrics.indexOf(objective.metric);
    const rng = analysisRng(seed, `prediction:${objective.metric}`);
    // One environment when it is large enough; otherwise every environment, with the environment as features.
    const single = largest.configurations >= MIN_CURVE_CONFIGURATIONS || study.environments.length < 2;
    const curveGroups = single ? study.groupsByEnvironment.get(largest.key)! : study.groups;
    const curveEncode = single ? encode : encodeWithEnvironment;
    const curveKnobOf = single ? encoder.knobOf : [...encoder.knobOf, ...study.environments.map(() => study.knobs.length)];
    const split = holdOut(curveGroups, rng);
    const sizes = LEARNING_SAMPLE_SIZES.filter((n) => n <= split.pool.length);
    if (sizes.length < 2) {
      notes.push(`learning curves for ${objective.metric} skipped: ${curveGroups.length} configurations measured, at least ${MIN_CURVE_CONFIGURATIONS} are needed`);
    } else {
      const testRows = split.test.map(curveEncode);
      const testY = split.test.map((g) => g.means[m]!);
      for (const model of PREDICTION_MODELS) {
        const points = sizes.map((sampleSize, s) => {
          const errors = Array.from({ length: REPEATS }, (_, r) => {
            const sample = rng.shuffle(split.pool).slice(0, sampleSize);
            const predictor = trainPredictor(model, sample.map(curveEncode), sample.map((g) => g.means[m]!), curveKnobOf, seed + 1000 * s + r);
            return mape(predictor, testRows, testY);
          });
          return { sampleSize, mape: errors.reduce((a, b) => a + b, 0) / errors.length, mapeRange: [Math.min(...errors), Math.max(...errors)] as const, repeats: REPEATS };
        });
        learningCurves.push({ metric: objective.metric, environment: single ? largest.key : 'all', model, heldOut: split.test.length, points });
      }
    }
    if (study.environments.length < 2) continue;
    const sourceGroups = study.groupsByEnvironment.get(largest.key)!;
    const sourceSample = sourceGroups.length > SOURCE_SAMPLE_LIMIT ? rng.shuffle(sourceGroups).slice(0, SOURCE_SAMPLE_LIMIT) : sourceGroups;
    const sourceModel = trainPredictor('random-forest', sourceSample.map(encode), sourceSample.map((g) => g.means[m]!), encoder.knobOf, seed);
    for (const target of bySize.slice(1, 1 + TRANSFER_TARGETS)) {
      const targetSplit = holdOut(study.groupsByEnvironment.get(target.key)!, rng);
      const counts = TRANSFER_TARGET_SAMPLES.filter((k) => k <= targetSplit.pool.length);
      if (counts.length === 0 || targetSplit.test.length === 0) {
        notes.push(`transfer model ${largest.key} → ${target.key} skipped: too few target configurations (${target.configurations})`);
        continue;
      }
      const testRows = targetSplit.test.map(encode);
      const testY = targetSplit.test.map((g) => g.means[m]!);
      const sourceOnTest = testRows.map((row) => sourceModel(row));
      const points = counts.map((targetSamples, s) => {
        let transferSum = 0;
        const targetOnly = new Map<PredictionModelKind, number>();
        for (let r = 0; r < REPEATS; r++) {
          const sample = rng.shuffle(targetSplit.pool).slice(0, targetSamples);
          const rows = sample.map(encode);
          const y = sample.map((g) => g.means[m]!);
          const { a, b } = linearCorrection(rows.map((row) => sourceModel(row)), y);
          transferSum += meanAbsolutePercent(sourceOnTest.map((v) => a + b * v), testY);
          for (const model of PREDICTION_MODELS) {
            const predictor = trainPredictor(model, rows, y, encoder.knobOf, seed + 7919 * s + r);
            targetOnly.set(model, (targetOnly.get(model) ?? 0) + mape(predictor, testRows, testY) / REPEATS);
          }
        }
        const [bestModel, bestMape] = [...targetOnly.entries()].reduce((x, y) => (y[1] < x[1] ? y : x));
        return { targetSamples, transferMape: transferSum / REPEATS, targetOnlyMape: bestMape, targetOnlyModel: bestModel, repeats: REPEATS };
      });
      transfer.push({ metric: objective.metric, source: largest.key, target: target.key, sourceModel: 'random-forest', heldOut: targetSplit.test.length, points });
    }
  }
  if (study.environments.length < 2) notes.push('transfer models skipped: the study has a single environment');
  return { models: PREDICTION_MODELS, features: encoder.names, learningCurves, transfer, notes };
}

function holdOut(groups: readonly ConfigGroup[], rng: Rng): { pool: ConfigGroup[]; test: ConfigGroup[] } {
  const shuffled = rng.shuffle(groups);
  const testSize = Math.min(HELD_OUT_LIMIT, Math.max(1, Math.round(HELD_OUT_FRACTION * groups.length)));
  return { test: shuffled.slice(0, testSize), pool: shuffled.slice(testSize) };
}

/** Least-squares a, b in y ≈ a + b·x; with one sample (or constant x) only the shift a. */
function linearCorrection(x: readonly number[], y: readonly number[]): { a: number; b: number } {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  if (n < 2 || sxx <= 1e-12 * Math.max(1, mx * mx)) return { a: my - mx, b: 1 };
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}

function meanAbsolutePercent(predicted: readonly number[], actual: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) continue;
    sum += Math.abs(predicted[i]! - actual[i]!) / Math.abs(actual[i]!);
    n++;
  }
  return n > 0 ? (100 * sum) / n : Number.NaN;
}
