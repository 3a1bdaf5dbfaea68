/**
 * Transfer across environments, after Jamshidi et al. (ASE 2017, arXiv 1709.02280): for every ordered pair of
 * environments and every objective, over the configurations measured in both: Pearson (M1), KL divergence of
 * the performance distributions (M2), Spearman (M3), top/bottom-10% overlap (M4/M5), agreement of influential
 * knobs (M6–M9) and of interactions (M11–M13), correlation of knob importance (M10), Pareto-set overlap and
 * the regret of transfer: run the source's best configuration in the target, how much worse than the target's
 * best (both bests taken over the common configurations). Pairs with fewer than MIN_COMMON_CONFIGURATIONS
 * common configurations stay in the output with the reason and no numbers; regret p-values are Holm-adjusted
 * over all pairs of a metric.
 */
import { analysisRng } from './stats/seeded.js';
import { kendall, klDivergence, pearson, scaledDensity, spearman } from './stats/correlation.js';
import type { PreparedStudy } from './prepare.js';
import { importanceCorrelation, jaccard, signFlips, significantInteractions, significantKnobs } from './transfer-agreement.js';
import { estimateRegret } from './transfer-regret.js';
import { StudyResamples } from './transfer-resamples.js';
import { configurationsDifferP, holmAdjusted, MIN_COMMON_CONFIGURATIONS, tooFewCommonMessage } from './transfer-support.js';
import type { MetricEffects, ParetoResult, TransferPair } from './types.js';

export interface TransferOptions {
  readonly topFraction: number;
  readonly seed: number;
  readonly resamples: number;
  /** Significance level of the regret test (default 0.05). */
  readonly alpha?: number;
}

type Effects = Readonly<Record<string, Readonly<Record<string, MetricEffects>>>>;

export function transferPairs(study: PreparedStudy, fronts: readonly ParetoResult[], effectsByEnvironment: Effects, options: TransferOptions): TransferPair[] {
  const resamples = new StudyResamples(options.resamples, study.configurationKeys.length, analysisRng(options.seed, 'transfer'));
  const alpha = options.alpha ?? 0.05;
  const environments = study.environments.map((e) => e.key);
  const byConfig = new Map(environments.map((env) => [env, new Map(study.groupsByEnvironment.get(env)!.map((g) => [g.configIndex, g]))]));
  const keyOf = (index: number): string => study.configurationKeys[index]!;
  const frontKeys = new Map(fronts.map((f) => [f.environment, new Set(f.front.filter((m) => !m.withinNoise).map((m) => m.configKey))]));
  const densityCache = new Map<string, Float64Array>();
  const extremeCache = new Map<string, Set<number>>();
  const spreadCache = new Map<string, number>();
  // Pearson, Spearman and Kendall are symmetric: computed once per unordered pair.
  const symmetric = new Map<string, { pearson: number; spearman: number; kendall: number }>();
  const pairs: TransferPair[] = [];
  for (const objective of study.objectives) {
    const m = study.metrics.indexOf(objective.metric);
    const sign = objective.direction === 'max' ? -1 : 1;
    const spread = (env: string): number => {
      const cacheKey = `${env}\u0000${objective.metric}`;
      const cached = spreadCache.get(cacheKey) ?? configurationsDifferP(study.groupsByEnvironment.get(env)!, m);
      spreadCache.set(cacheKey, cached);
      return cached;
    };
    const metricPairs: TransferPair[] = [];
    for (let s = 0; s < environments.length; s++) {
      for (let t = 0; t < environments.length; t++) {
        if (s === t) continue;
        const source = environments[s]!;
        const target = environments[t]!;
        const sourceGroups = byConfig.get(source)!;
        const targetGroups = byConfig.get(target)!;
        const common = [...sourceGroups.keys()].filter((key) => targetGroups.has(key)).sort((a, b) => a - b);
        const sourceEffects = effectsByEnvironment[source]?.[objective.metric];
        const targetEffects = effectsByEnvironment[target]?.[objective.metric];
        const agreement = {
          influentialKnobsAgree: jaccard(significantKnobs(sourceEffects), significantKnobs(targetEffects)),
          interactionsAgree: jaccard(significantInteractions(sourceEffects), significantInteractions(targetEffects)),
          importanceCorrelation: importanceCorrelation(sourceEffects, targetEffects),
          signFlips: signFlips(sourceEffects, targetEffects),
        };
        if (common.length < MIN_COMMON_CONFIGURATIONS) {
          metricPairs.push(withheldPair(source, target, objective.metric, common.length, agreement));
          continue;
        }
        const x = Float64Array.from(common, (key) => sourceGroups.get(key)!.means[m]!);
        const y = Float64Array.from(common, (key) => targetGroups.get(key)!.means[m]!);
        const density = (env: string, values: Float64Array, everything: boolean): Float64Array => {
          if (!everything) return scaledDensity(values);
          const cacheKey = `${env}\u0000${objective.metric}`;
          const cached = densityCache.get(cacheKey) ?? scaledDensity(values);
          densityCache.set(cacheKey, cached);
          return cached;
        };
        const count = Math.max(1, Math.round(options.topFraction * common.length));
        const extremes = (env: string, values: Float64Array, everything: boolean, end: 'top' | 'bottom'): Set<number> => {
          const direction = sign * (end === 'top' ? 1 : -1);
          if (!everything) return extremeSet(values, direction, count);
          const cacheKey = `${env}\u0000${objective.metric}\u0000${end}`;
          const cached = extremeCache.get(cacheKey) ?? extremeSet(values, direction, count);
          extremeCache.set(cacheKey, cached);
          return cached;
        };
        const overlap = (end: 'top' | 'bottom'): number => {
          const a = extremes(source, x, common.length === sourceGroups.size, end);
          const b = extremes(target, y, common.length === targetGroups.size, end);
          let shared = 0;
          for (const i of a) if (b.has(i)) shared++;
          return shared / count;
        };
        const pairKey = `${Math.min(s, t)}|${Math.max(s, t)}|${objective.metric}`;
        const correlations = symmetric.get(pairKey) ?? { pearson: pearson(x, y), spearman: spearman(x, y), kendall: kendall(x, y) };
        symmetric.set(pairKey, correlations);
        const regret = estimateRegret({
          common, source: sourceGroups, target: targetGroups, metricIndex: m, sign, alpha, resamples: options.resamples,
          sourceResamples: resamples.of(source, sourceGroups, m), targetResamples: resamples.of(target, targetGroups, m),
        });
        metricPairs.push({
          source,
          target,
          metric: objective.metric,
          ...correlations,
          kl: klDivergence(density(source, x, common.length === sourceGroups.size), density(target, y, common.length === targetGroups.size)),
          topOverlap: overlap('top'),
          bottomOverlap: overlap('bottom'),
          paretoOverlap: jaccard(
            common.filter((key) => frontKeys.get(source)!.has(keyOf(key))).map(keyOf),
            common.filter((key) => frontKeys.get(target)!.has(keyOf(key))).map(keyOf),
          ),
          ...agreement,
          commonConfigurations: common.length,
          regret: regret.regret,
          observedRegret: regret.observedRegret,
          regretAbsoluteCi: regret.absoluteCi,
          regretPercentCi: regret.percentCi,
          regretPValue: regret.pValue,
          sourceBest: keyOf(regret.sourceBest),
          targetBest: keyOf(regret.targetBest),
          configurationsDifferPValue: { source: spread(source), target: spread(target) },
        });
      }
    }
    pairs.push(...withAdjustedRegret(metricPairs, alpha));
  }
  return pairs;
}

/** Holm over the metric's regret tests; significant only when the adjusted p and the selection bootstrap agree. */
function withAdjustedRegret(pairs: readonly TransferPair[], alpha: number): TransferPair[] {
  const adjusted = holmAdjusted(pairs.map((p) => p.regretPValue ?? Number.NaN));
  return pairs.map((pair, index) => {
    if (pair.withheld) return pair;
    const pAdjusted = adjusted[index]!;
    const significant = pAdjusted < alpha && pair.regretPercentCi[0] > 0 && pair.regret.percent > 0;
    return { ...pair, regretPValueAdjusted: pAdjusted, regretSignificant: significant };
  });
}

function withheldPair(
  source: string,
  target: string,
  metric: string,
  common: number,
  agreement: Pick<TransferPair, 'influentialKnobsAgree' | 'interactionsAgree' | 'importanceCorrelation' | 'signFlips'>,
): TransferPair {
  const none = Number.NaN;
  return {
    source,
    target,
    metric,
    pearson: none,
    spearman: none,
    kendall: none,
    kl: none,
    topOverlap: none,
    bottomOverlap: none,
    paretoOverlap: none,
    ...agreement,
    regret: { absolute: none, percent: none },
    commonConfigurations: common,
    regretPercentCi: [none, none],
    regretAbsoluteCi: [none, none],
    sourceBest: '',
    targetBest: '',
    regretSignificant: false,
    withheld: { code: 'too-few-common-configurations', message: tooFewCommonMessage(common) },
  };
}

/** Indexes of the `count` smallest values of sign·value (ties broken by index), via a native numeric sort. */
function extremeSet(values: Float64Array, sign: number, count: number): Set<number> {
  const sorted = Float64Array.from(values, (v) => sign * v).sort();
  const threshold = sorted[count - 1]!;
  let below = 0;
  for (let i = 0; i < count; i++) if (sorted[i]! < threshold) below++;
  let equalAllowed = count - below;
  const out = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    const v = sign * values[i]!;
    if (v < threshold) out.add(i);
    else if (v === threshold && equalAllowed > 0) {
      out.add(i);
      equalAllowed--;
    }
  }
  return out;
}
