/**
 * The regret of transfer with honest uncertainty. Both bests are *selected* from noisy means, so comparing the two
 * picked configurations alone overstates the regret (winner's curse). Here:
 * - the test asks whether the source's best is worse than *every* candidate for the target's best beyond noise:
 *   one-sided t tests of it against each other common configuration in the target (pooled repetition variance,
 *   log scale for positive metrics where noise is multiplicative), Bonferroni over those comparisons;
 * - a regret within noise (a tie) is 0; the measured difference is kept as observedRegret;
 * - the interval comes from a bootstrap of the whole selection: every configuration's repetitions are resampled in
 *   both environments (residuals inflated by √(n/(n−1)) so 2–3 repetitions do not understate the spread), both
 *   bests are picked again and the same tie rule applied in each resample.
 * Without repetitions there is no noise estimate: the regret is descriptive (observed), with no p-value or interval.
 */
import type { Rng } from '../core/random.js';
import type { ConfigGroup } from './prepare.js';
import { tQuantileTwoSided, tTwoSidedP } from './stats/distributions.js';
import type { ConfidenceInterval } from './types.js';

export interface RegretInputs {
  /** Configuration indexes measured in both environments (at least 2). */
  readonly common: readonly number[];
  readonly source: ReadonlyMap<number, ConfigGroup>;
  readonly target: ReadonlyMap<number, ConfigGroup>;
  readonly metricIndex: number;
  /** 1 when smaller is better, −1 when larger is better. */
  readonly sign: 1 | -1;
  readonly alpha: number;
  readonly resamples: number;
}

export interface Regret {
  readonly absolute: number;
  readonly percent: number;
}

export interface RegretEstimate {
  readonly sourceBest: number;
  readonly targetBest: number;
  /** 0 where the source's best is within noise of the target's best; otherwise the observed regret. */
  readonly regret: Regret;
  readonly observedRegret: Regret;
  /** NaN without repetitions. */
  readonly pValue: number;
  readonly absoluteCi: ConfidenceInterval;
  readonly percentCi: ConfidenceInterval;
}

/** Target-side noise model over the common configurations: the scale tests run on and the pooled spread there. */
interface TargetNoise {
  readonly log: boolean;
  readonly pooledSd: number;
  readonly df: number;
  /** One-sided critical t for the Bonferroni-corrected comparisons with every other configuration. */
  readonly critical: number;
}

const NO_INTERVAL: ConfidenceInterval = [Number.NaN, Number.NaN];

export function estimateRegret(inputs: RegretInputs, rng: Rng): RegretEstimate {
  const { common, source, target, metricIndex: m, sign } = inputs;
  const sourceValues = common.map((c) => source.get(c)!.values[m]!);
  const targetValues = common.map((c) => target.get(c)!.values[m]!);
  const sourceMeans = sourceValues.map(meanOf);
  const targetMeans = targetValues.map(meanOf);
  const noise = targetNoise(targetValues, inputs.alpha);
  const targetScaleMeans = targetValues.map((values) => meanOf(noise.log ? values.map(Math.log) : values));
  const counts = targetValues.map((values) => values.length);
  const s = bestIndex(sourceMeans, sign);
  const t = bestIndex(targetMeans, sign);
  const observedRegret = regretOf(targetMeans, s, t, sign);
  const result = (regret: Regret, pValue: number, absoluteCi: ConfidenceInterval, percentCi: ConfidenceInterval): RegretEstimate => ({
    sourceBest: common[s]!, targetBest: common[t]!, regret, observedRegret, pValue, absoluteCi, percentCi,
  });
  if (noise.df === 0) return result(s === t ? { absolute: 0, percent: 0 } : observedRegret, Number.NaN, NO_INTERVAL, NO_INTERVAL);
  const pValue = s === t ? 1 : worseThanBestP(targetScaleMeans, counts, s, noise, sign);
  const regret = pValue >= inputs.alpha ? { absolute: 0, percent: 0 } : observedRegret;
  const { absoluteCi, percentCi } = bootstrapSelection(sourceValues, targetValues, noise, sign, inputs.resamples, rng);
  return result(regret, pValue, absoluteCi, percentCi);
}

function meanOf(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** The first index with the best mean (ties go to the lower configuration index, as the common list is sorted). */
function bestIndex(means: ArrayLike<number>, sign: number): number {
  let best = 0;
  for (let i = 1; i < means.length; i++) if (sign * means[i]! < sign * means[best]!) best = i;
  return best;
}

function regretOf(targetMeans: ArrayLike<number>, s: number, t: number, sign: number): Regret {
  if (s === t) return { absolute: 0, percent: 0 };
  const absolute = sign * (targetMeans[s]! - targetMeans[t]!);
  return { absolute, percent: (100 * absolute) / Math.abs(targetMeans[t]!) };
}

function targetNoise(targetValues: readonly (readonly number[])[], alpha: number): TargetNoise {
  const log = targetValues.every((values) => values.every((v) => v > 0));
  let sumSquares = 0;
  let df = 0;
  for (const raw of targetValues) {
    if (raw.length < 2) continue;
    const values = log ? raw.map(Math.log) : raw;
    const mean = meanOf(values);
    for (const v of values) sumSquares += (v - mean) ** 2;
    df += values.length - 1;
  }
  const comparisons = Math.max(1, targetValues.length - 1);
  const critical = df > 0 ? tQuantileTwoSided(1 - (2 * alpha) / comparisons, df) : Number.NaN;
  return { log, pooledSd: df > 0 ? Math.sqrt(sumSquares / df) : Number.NaN, df, critical };
}

/** P(one-sided t test says configuration s is worse than some other), Bonferroni over the other configurations. */
function worseThanBestP(scaleMeans: ArrayLike<number>, counts: readonly number[], s: number, noise: TargetNoise, sign: number): number {
  let smallest = 1;
  for (let d = 0; d < scaleMeans.length; d++) {
    if (d === s) continue;
    const difference = sign * (scaleMeans[s]! - scaleMeans[d]!);
    const standardError = noise.pooledSd * Math.sqrt(1 / counts[s]! + 1 / counts[d]!);
    let p: number;
    if (standardError === 0) p = difference > 0 ? 0 : 1;
    else {
      const tStatistic = difference / standardError;
      const twoSided = tTwoSidedP(tStatistic, noise.df);
      p = tStatistic > 0 ? twoSided / 2 : 1 - twoSided / 2;
    }
    smallest = Math.min(smallest, p);
  }
  return Math.min(1, smallest * Math.max(1, scaleMeans.length - 1));
}

/** Is configuration s worse than some other beyond the critical value (the test above, as a yes/no for resamples)? */
function beyondNoise(scaleMeans: Float64Array, counts: readonly number[], s: number, noise: TargetNoise, sign: number): boolean {
  for (let d = 0; d < scaleMeans.length; d++) {
    if (d === s) continue;
    const difference = sign * (scaleMeans[s]! - scaleMeans[d]!);
    if (difference > noise.critical * noise.pooledSd * Math.sqrt(1 / counts[s]! + 1 / counts[d]!)) return true;
  }
  return false;
}

function bootstrapSelection(
  sourceValues: readonly (readonly number[])[],
  targetValues: readonly (readonly number[])[],
  noise: TargetNoise,
  sign: 1 | -1,
  resamples: number,
  rng: Rng,
): { absoluteCi: ConfidenceInterval; percentCi: ConfidenceInterval } {
  const k = sourceValues.length;
  const counts = targetValues.map((values) => values.length);
  const source = sourceValues.map((values) => inflatedResiduals(values));
  const target = targetValues.map((values) => inflatedResiduals(values));
  const targetScale = targetValues.map((values) => inflatedResiduals(noise.log ? values.map(Math.log) : values));
  const sourceMeans = new Float64Array(k);
  const targetMeans = new Float64Array(k);
  const scaleMeans = new Float64Array(k);
  const absolutes = new Float64Array(resamples);
  const percents = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let c = 0; c < k; c++) {
      sourceMeans[c] = resampledMean(source[c]!, rng);
      // The same draws for the raw and the test scale, so the two stay one resample.
      const draws = target[c]!;
      const scale = targetScale[c]!;
      let sumRaw = 0;
      let sumScale = 0;
      for (let i = 0; i < draws.residuals.length; i++) {
        const j = rng.int(draws.residuals.length);
        sumRaw += draws.residuals[j]!;
        sumScale += scale.residuals[j]!;
      }
      targetMeans[c] = draws.mean + sumRaw / draws.residuals.length;
      scaleMeans[c] = scale.mean + sumScale / scale.residuals.length;
    }
    const s = bestIndex(sourceMeans, sign);
    const t = bestIndex(targetMeans, sign);
    const tie = s === t || !beyondNoise(scaleMeans, counts, s, noise, sign);
    const regret = tie ? { absolute: 0, percent: 0 } : regretOf(targetMeans, s, t, sign);
    absolutes[r] = regret.absolute;
    percents[r] = regret.percent;
  }
  absolutes.sort();
  percents.sort();
  const at = (values: Float64Array, q: number): number => values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  return { absoluteCi: [at(absolutes, 0.025), at(absolutes, 0.975)], percentCi: [at(percents, 0.025), at(percents, 0.975)] };
}

/** The mean and the residuals scaled by √(n/(n−1)): their bootstrap variance then matches s²/n rather than (n−1)s²/n². */
function inflatedResiduals(values: readonly number[]): { mean: number; residuals: Float64Array } {
  const mean = meanOf(values);
  const n = values.length;
  const inflation = n >= 2 ? Math.sqrt(n / (n - 1)) : 0;
  return { mean, residuals: Float64Array.from(values, (v) => inflation * (v - mean)) };
}

function resampledMean(sample: { mean: number; residuals: Float64Array }, rng: Rng): number {
  const n = sample.residuals.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sample.residuals[rng.int(n)]!;
  return sample.mean + sum / n;
}
