/**
 * Transfer across environments, after Jamshidi et al. (ASE 2017, arXiv 1709.02280): for every ordered pair of
 * environments and every objective, over the configurations measured in both: Pearson (M1), KL divergence of
 * the performance distributions (M2), Spearman (M3), top/bottom-10% overlap (M4/M5), agreement of influential
 * knobs (M6–M9) and of interactions (M11–M13), correlation of knob importance (M10), Pareto-set overlap and
 * the regret of transfer: run the source's best configuration in the target, how much worse than the target's
 * best (both bests taken over the common configurations).
 */
import type { Rng } from '../core/random.js';
import { analysisRng } from './stats/seeded.js';
import { mean } from './stats/bootstrap.js';
import { kendall, klDivergence, pearson, scaledDensity, spearman } from './stats/correlation.js';
import type { ConfigGroup, PreparedStudy } from './prepare.js';
import type { ConfidenceInterval, MetricEffects, Objective, ParetoResult, TransferPair } from './types.js';

export interface TransferOptions {
  readonly topFraction: number;
  readonly seed: number;
  readonly resamples: number;
}

export function transferPairs(
  study: PreparedStudy,
  fronts: readonly ParetoResult[],
  effectsByEnvironment: Readonly<Record<string, Readonly<Record<string, MetricEffects>>>>,
  options: TransferOptions,
): TransferPair[] {
  const rng = analysisRng(options.seed, 'transfer');
  const environments = study.environments.map((e) => e.key);
  const byConfig = new Map(environments.map((env) => [env, new Map(study.groupsByEnvironment.get(env)!.map((g) => [g.configIndex, g]))]));
  const keyOf = (index: number): string => study.configurationKeys[index]!;
  const frontKeys = new Map(fronts.map((f) => [f.environment, new Set(f.front.filter((m) => !m.withinNoise).map((m) => m.configKey))]));
  const densityCache = new Map<string, Float64Array>();
  const extremeCache = new Map<string, Set<number>>();
  // Pearson, Spearman and Kendall are symmetric: computed once per unordered pair.
  const symmetric = new Map<string, { pearson: number; spearman: number; kendall: number }>();
  const pairs: TransferPair[] = [];
  for (const objective of study.objectives) {
    const m = study.metrics.indexOf(objective.metric);
    for (let s = 0; s < environments.length; s++) {
      for (let t = 0; t < environments.length; t++) {
        if (s === t) continue;
        const source = environments[s]!;
        const target = environments[t]!;
        const sourceGroups = byConfig.get(source)!;
        const targetGroups = byConfig.get(target)!;
        const common = [...sourceGroups.keys()].filter((key) => targetGroups.has(key)).sort((a, b) => a - b);
        if (common.length < 2) continue;
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
          const sign = (objective.direction === 'max' ? -1 : 1) * (end === 'top' ? 1 : -1);
          if (!everything) return extremeSet(values, sign, count);
          const cacheKey = `${env}\u0000${objective.metric}\u0000${end}`;
          const cached = extremeCache.get(cacheKey) ?? extremeSet(values, sign, count);
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
        const sourceEffects = effectsByEnvironment[source]?.[objective.metric];
        const targetEffects = effectsByEnvironment[target]?.[objective.metric];
        const pairKey = `${Math.min(s, t)}|${Math.max(s, t)}|${objective.metric}`;
        const correlations = symmetric.get(pairKey) ?? { pearson: pearson(x, y), spearman: spearman(x, y), kendall: kendall(x, y) };
        symmetric.set(pairKey, correlations);
        const regret = regretOfTransfer(common, sourceGroups, targetGroups, m, objective, rng, options.resamples, keyOf);
        pairs.push({
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
          influentialKnobsAgree: jaccard(significantKnobs(sourceEffects), significantKnobs(targetEffects)),
          interactionsAgree: jaccard(significantInteractions(sourceEffects), significantInteractions(targetEffects)),
          importanceCorrelation: importanceCorrelation(sourceEffects, targetEffects),
          signFlips: signFlips(sourceEffects, targetEffects),
          commonConfigurations: common.length,
          ...regret,
        });
      }
    }
  }
  return pairs;
}

function regretOfTransfer(
  common: readonly number[],
  sourceGroups: ReadonlyMap<number, ConfigGroup>,
  targetGroups: ReadonlyMap<number, ConfigGroup>,
  m: number,
  objective: Objective,
  rng: Rng,
  resamples: number,
  keyOf: (index: number) => string,
): Pick<TransferPair, 'regret' | 'regretPercentCi' | 'regretAbsoluteCi' | 'sourceBest' | 'targetBest'> {
  const sign = objective.direction === 'max' ? -1 : 1;
  const best = (groups: ReadonlyMap<number, ConfigGroup>): number =>
    common.reduce((a, b) => (sign * groups.get(b)!.means[m]! < sign * groups.get(a)!.means[m]! ? b : a));
  const sourceBest = best(sourceGroups);
  const targetBest = best(targetGroups);
  const transferred = targetGroups.get(sourceBest)!.values[m]!;
  const optimal = targetGroups.get(targetBest)!.values[m]!;
  const absolute = sign * (mean(transferred) - mean(optimal));
  const percent = (100 * absolute) / Math.abs(mean(optimal));
  let absoluteCi: ConfidenceInterval = [Number.NaN, Number.NaN];
  let percentCi: ConfidenceInterval = [Number.NaN, Number.NaN];
  if (sourceBest === targetBest) {
    absoluteCi = [0, 0];
    percentCi = [0, 0];
  } else if (transferred.length >= 2 && optimal.length >= 2) {
    const absolutes = new Float64Array(resamples);
    const percents = new Float64Array(resamples);
    for (let r = 0; r < resamples; r++) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < transferred.length; i++) a += transferred[rng.int(transferred.length)]!;
      for (let i = 0; i < optimal.length; i++) b += optimal[rng.int(optimal.length)]!;
      a /= transferred.length;
      b /= optimal.length;
      absolutes[r] = sign * (a - b);
      percents[r] = (100 * sign * (a - b)) / Math.abs(b);
    }
    absolutes.sort();
    percents.sort();
    const at = (values: Float64Array, q: number): number => values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
    absoluteCi = [at(absolutes, 0.025), at(absolutes, 0.975)];
    percentCi = [at(percents, 0.025), at(percents, 0.975)];
  }
  return { regret: { absolute, percent }, regretAbsoluteCi: absoluteCi, regretPercentCi: percentCi, sourceBest: keyOf(sourceBest), targetBest: keyOf(targetBest) };
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

function jaccard(a: readonly string[], b: readonly string[]): number {
  const left = new Set(a);
  const right = new Set(b);
  const union = new Set([...left, ...right]);
  if (union.size === 0) return 1;
  let shared = 0;
  for (const item of left) if (right.has(item)) shared++;
  return shared / union.size;
}

function significantKnobs(effects: MetricEffects | undefined): string[] {
  return effects ? effects.main.filter((e) => e.significant).map((e) => e.knob) : [];
}

function significantInteractions(effects: MetricEffects | undefined): string[] {
  return effects ? effects.interactions.filter((e) => e.significant).map((e) => e.knobs.join('×')) : [];
}

function importanceCorrelation(a: MetricEffects | undefined, b: MetricEffects | undefined): number {
  if (!a || !b || a.importance.length < 2) return Number.NaN;
  const lookup = new Map(b.importance.map((entry) => [entry.knob, entry.importance]));
  return pearson(
    a.importance.map((entry) => entry.importance),
    a.importance.map((entry) => lookup.get(entry.knob) ?? 0),
  );
}

function signFlips(a: MetricEffects | undefined, b: MetricEffects | undefined): string[] {
  if (!a || !b) return [];
  const other = new Map(b.main.map((e) => [e.knob, e]));
  return a.main
    .filter((e) => e.kind !== 'categorical' && e.significant)
    .filter((e) => {
      const o = other.get(e.knob);
      return o !== undefined && o.significant && Math.sign(o.effectSize) !== Math.sign(e.effectSize);
    })
    .map((e) => e.knob);
}
