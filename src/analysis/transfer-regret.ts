/**
 * The regret of transfer with honest uncertainty. Both bests are *selected* from noisy means, so comparing the two
 * picked configurations alone overstates the regret (winner's curse). Here:
 * - the test asks whether, in the target, the source's best is worse beyond noise than some other configuration,
 *   so that it cannot be the target's best: one-sided t tests of it against each other common configuration
 *   (pooled repetition variance, log scale for positive metrics where noise is multiplicative), Bonferroni over
 *   those comparisons, which covers the target's best being selected;
 * - a regret within noise (a tie) is 0; the measured difference is kept as observedRegret;
 * - the interval comes from a bootstrap of the whole selection (transfer-bootstrap.ts).
 * Without repetitions there is no noise estimate: the regret is descriptive (observed), with no p-value or interval.
 */
import type { ConfigGroup } from './prepare.js';
import { tQuantileTwoSided, tTwoSidedP } from './stats/distributions.js';
import { bootstrapSelection } from './transfer-bootstrap.js';
import type { EnvironmentResamples } from './transfer-resamples.js';
import { bestIndex, regretOf, type Regret, type TargetNoise } from './transfer-selection.js';
import type { ConfidenceInterval } from './types.js';

export interface RegretInputs {
  /** Configuration indexes measured in both environments (at least 2), ascending. */
  readonly common: readonly number[];
  readonly source: ReadonlyMap<number, ConfigGroup>;
  readonly target: ReadonlyMap<number, ConfigGroup>;
  /** The two environments' shared per-configuration statistics and resampled means for this metric. */
  readonly sourceResamples: EnvironmentResamples;
  readonly targetResamples: EnvironmentResamples;
  readonly metricIndex: number;
  /** 1 when smaller is better, −1 when larger is better. */
  readonly sign: 1 | -1;
  readonly alpha: number;
  readonly resamples: number;
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

const NO_INTERVAL: ConfidenceInterval = [Number.NaN, Number.NaN];

export function estimateRegret(inputs: RegretInputs): RegretEstimate {
  const { common, source, target, metricIndex: m, sign, targetResamples: stats } = inputs;
  const sourceMeans = Float64Array.from(common, (c) => source.get(c)!.means[m]!);
  const targetMeans = Float64Array.from(common, (c) => target.get(c)!.means[m]!);
  const noise = targetNoise(common, stats, inputs.alpha);
  const s = bestIndex(sourceMeans, sign);
  const t = bestIndex(targetMeans, sign);
  const observedRegret = regretOf(targetMeans, s, t, sign);
  const result = (regret: Regret, pValue: number, absoluteCi: ConfidenceInterval, percentCi: ConfidenceInterval): RegretEstimate => ({
    sourceBest: common[s]!, targetBest: common[t]!, regret, observedRegret, pValue, absoluteCi, percentCi,
  });
  if (noise.df === 0) return result(s === t ? { absolute: 0, percent: 0 } : observedRegret, Number.NaN, NO_INTERVAL, NO_INTERVAL);
  const scaleMeans = noise.log ? Float64Array.from(common, (c) => stats.logMeans[c]!) : targetMeans;
  const counts = Float64Array.from(common, (c) => stats.counts[c]!);
  const pValue = s === t ? 1 : worseThanBestP(scaleMeans, counts, s, noise, sign);
  const regret = pValue >= inputs.alpha ? { absolute: 0, percent: 0 } : observedRegret;
  const selection = { common, source: inputs.sourceResamples, target: stats, noise, sign };
  const { absoluteCi, percentCi } = bootstrapSelection(selection, inputs.resamples);
  return result(regret, pValue, absoluteCi, percentCi);
}

/** Critical values by (alpha, comparisons, df): the bisection is the costly part and studies repeat them. */
const criticalValues = new Map<string, number>();

function targetNoise(common: readonly number[], stats: EnvironmentResamples, alpha: number): TargetNoise {
  let log = true;
  for (const c of common) if (!stats.positive[c]) log = false;
  let sumSquares = 0;
  let df = 0;
  for (const c of common) {
    sumSquares += log ? stats.logSs[c]! : stats.rawSs[c]!;
    df += stats.counts[c]! - 1;
  }
  const comparisons = Math.max(1, common.length - 1);
  const key = `${alpha}|${comparisons}|${df}`;
  const critical = criticalValues.get(key) ?? (df > 0 ? tQuantileTwoSided(1 - (2 * alpha) / comparisons, df) : Number.NaN);
  criticalValues.set(key, critical);
  return { log, pooledSd: df > 0 ? Math.sqrt(sumSquares / df) : Number.NaN, df, critical };
}

/** P(one-sided t test says configuration s is worse than some other), Bonferroni over the other configurations. */
function worseThanBestP(scaleMeans: ArrayLike<number>, counts: ArrayLike<number>, s: number, noise: TargetNoise, sign: number): number {
  // The smallest p belongs to the largest t statistic: find it first, evaluate the distribution once.
  let largest = Number.NEGATIVE_INFINITY;
  for (let d = 0; d < scaleMeans.length; d++) {
    if (d === s) continue;
    const difference = sign * (scaleMeans[s]! - scaleMeans[d]!);
    const standardError = noise.pooledSd * Math.sqrt(1 / counts[s]! + 1 / counts[d]!);
    const tStatistic = standardError === 0 ? (difference > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY) : difference / standardError;
    largest = Math.max(largest, tStatistic);
  }
  if (largest === Number.POSITIVE_INFINITY) return 0;
  if (largest === Number.NEGATIVE_INFINITY) return 1;
  const twoSided = tTwoSidedP(largest, noise.df);
  const oneSided = largest > 0 ? twoSided / 2 : 1 - twoSided / 2;
  return Math.min(1, oneSided * Math.max(1, scaleMeans.length - 1));
}
