/**
 * What drives each metric: an ANOVA over the knobs' main effects and pairwise interactions, fitted on every
 * valid row (repetitions give the pure error), with environments as blocks when several are pooled.
 * Main effects are tested by dropping the knob from the all-main-effects model; each interaction by adding
 * it to that model; both against the residual of the model with all main effects, interactions and (pooled)
 * environment × knob interactions when it has residual degrees of freedom (else against the tested model's own
 * residual). Pooled main effects are thus average effects over the environments, judged against the noise
 * within them. An effect is significant
 * only if p < alpha and its 95% interval excludes zero: a difference within the noise is never an effect.
 */
import { fSurvival, tQuantileTwoSided } from './stats/distributions.js';
import { fitSubset } from './stats/least-squares.js';
import { accumulateDesign, designLayout } from './design.js';
import { knobImportance } from './importance.js';
import type { ConfigGroup, PreparedStudy } from './prepare.js';
import type { InteractionEffect, KnobEffect, MetricEffects } from './types.js';

export interface EffectsOptions {
  readonly alpha: number;
  /** Pool several environments, each its own block. */
  readonly pooled: boolean;
  readonly seed: number;
  /** Metrics to grow importance trees for (default: all). */
  readonly importanceMetrics?: readonly string[];
}

export function computeEffects(study: PreparedStudy, groups: readonly ConfigGroup[], options: EffectsOptions): Record<string, MetricEffects> {
  const { knobs, metrics } = study;
  const M = metrics.length;
  let n = 0;
  const centres = new Float64Array(M);
  for (const g of groups) {
    n += g.values[0]!.length;
    for (let m = 0; m < M; m++) for (const v of g.values[m]!) centres[m] = centres[m]! + v;
  }
  for (let m = 0; m < M; m++) centres[m] = centres[m]! / n;
  const environmentSlots = new Map<number, number>();
  if (options.pooled) for (const g of groups) if (!environmentSlots.has(g.environmentIndex)) environmentSlots.set(g.environmentIndex, environmentSlots.size);
  const layout = designLayout(knobs, options.pooled ? environmentSlots.size : 1);
  const gram = accumulateDesign(layout, knobs, groups, centres, (g) => (options.pooled ? environmentSlots.get(g.environmentIndex)! : 0));
  const base = [layout.intercept, ...layout.environmentColumns];
  const mainAll = [...base, ...layout.mainColumns.flat()];
  const fitBase = fitSubset(gram, base);
  const fitMain = fitSubset(gram, mainAll);
  const fitFull = fitSubset(gram, [...mainAll, ...layout.pairs.flatMap((p) => p.columns), ...layout.environmentKnobColumns.flat(2)]);
  const fullHasError = n - fitFull.rank >= 2;
  const errorRss = fullHasError ? fitFull.rss : fitMain.rss;
  const errorDf = fullHasError ? n - fitFull.rank : n - fitMain.rank;
  const tCritical = errorDf > 0 ? tQuantileTwoSided(0.95, errorDf) : Number.NaN;

  const mainTests = knobs.map((_, k) => {
    const reduced = fitSubset(gram, mainAll.filter((c) => !layout.mainColumns[k]!.includes(c)));
    return { rss: reduced.rss, df: fitMain.rank - reduced.rank };
  });
  const pairTests = layout.pairs.map((pair) => {
    const augmented = fitSubset(gram, [...mainAll, ...pair.columns]);
    return { rss: augmented.rss, df: augmented.rank - fitMain.rank, errorDf: n - augmented.rank };
  });
  const levelStats = knobs.map((knob, k) => levelMeans(groups, k, knob.levels.length, M));
  const result: Record<string, MetricEffects> = {};
  for (let m = 0; m < M; m++) {
    const mse = errorDf > 0 ? errorRss[m]! / errorDf : Number.NaN;
    const grandMean = centres[m]!;
    const main: KnobEffect[] = knobs.map((knob, k) => {
      const test = mainTests[k]!;
      const ss = Math.max(0, test.rss[m]! - fitMain.rss[m]!);
      const { f, p } = fTest(ss, test.df, errorRss[m]!, errorDf);
      const stats = levelStats[k]!;
      const counts = stats.counts;
      const means = stats.means.map((row) => row[m]!);
      const present = means.map((_, i) => i).filter((i) => counts[i]! > 0);
      const [low, high] = knob.kind === 'categorical'
        ? [present.reduce((a, b) => (means[b]! < means[a]! ? b : a)), present.reduce((a, b) => (means[b]! > means[a]! ? b : a))]
        : [present[0]!, present[present.length - 1]!];
      const effectSize = means[high]! - means[low]!;
      const halfWidth = tCritical * Math.sqrt(mse * (1 / counts[low]! + 1 / counts[high]!));
      const ci = [effectSize - halfWidth, effectSize + halfWidth] as const;
      const turning = knob.kind === 'numeric' ? turningPoint(means, counts, present, mse, tCritical) : undefined;
      return {
        knob: knob.name,
        kind: knob.kind,
        effectSize,
        pValue: p,
        significant: p < options.alpha && (ci[0] > 0 || ci[1] < 0 || (knob.kind === 'categorical' && ci[0] > 0)),
        levels: present.map((i) => ({ level: String(knob.levels[i]), mean: means[i]!, n: counts[i]! })),
        nonMonotonic: turning !== undefined,
        ...(turning ? { turningLevel: String(knob.levels[turning.level]), turningKind: turning.kind } : {}),
        ci,
        relativeEffect: grandMean !== 0 ? effectSize / Math.abs(grandMean) : Number.NaN,
        partialEtaSquared: ss + errorRss[m]! > 0 ? ss / (ss + errorRss[m]!) : 0,
        fStatistic: f,
        df: [test.df, errorDf],
        fromLevel: String(knob.levels[low]),
        toLevel: String(knob.levels[high]),
      };
    });
    const interactions: InteractionEffect[] = layout.pairs.map((pair, index) => {
      const test = pairTests[index]!;
      const ss = Math.max(0, fitMain.rss[m]! - test.rss[m]!);
      const denominatorRss = fullHasError ? errorRss[m]! : test.rss[m]!;
      const denominatorDf = fullHasError ? errorDf : test.errorDf;
      const { f, p } = fTest(ss, test.df, denominatorRss, denominatorDf);
      const corners = cornerMeans(groups, pair.a, pair.b, knobs[pair.a]!.levels.length - 1, knobs[pair.b]!.levels.length - 1, m);
      const halfWidth = tCritical * Math.sqrt(mse * corners.inverseCountSum);
      const ci = [corners.difference - halfWidth, corners.difference + halfWidth] as const;
      return {
        knobs: [knobs[pair.a]!.name, knobs[pair.b]!.name] as const,
        effectSize: corners.difference,
        pValue: p,
        significant: p < options.alpha && (ci[0] > 0 || ci[1] < 0),
        ci,
        relativeEffect: grandMean !== 0 ? corners.difference / Math.abs(grandMean) : Number.NaN,
        partialEtaSquared: ss + denominatorRss > 0 ? ss / (ss + denominatorRss) : 0,
        fStatistic: f,
        df: [test.df, denominatorDf],
        linearContrast: pair.linear,
      };
    });
    const totalSs = fitBase.rss[m]!;
    result[metrics[m]!] = {
      main,
      interactions,
      importance: [],
      grandMean,
      n,
      residualMeanSquare: mse,
      residualDf: errorDf,
      rSquared: totalSs > 0 ? 1 - fitFull.rss[m]! / totalSs : 0,
    };
  }
  const importance = knobImportance(study, groups, options.pooled, options.seed, options.importanceMetrics ?? metrics);
  for (const [metric, list] of Object.entries(importance)) result[metric] = { ...result[metric]!, importance: list };
  return result;
}

function fTest(ss: number, df: number, errorRss: number, errorDf: number): { f: number; p: number } {
  if (df <= 0 || errorDf <= 0) return { f: Number.NaN, p: Number.NaN };
  if (errorRss <= 0) return ss > 0 ? { f: Infinity, p: 0 } : { f: 0, p: 1 };
  const f = ss / df / (errorRss / errorDf);
  return { f, p: fSurvival(f, df, errorDf) };
}

function levelMeans(groups: readonly ConfigGroup[], knob: number, levels: number, metrics: number): { counts: number[]; means: number[][] } {
  const counts = new Array<number>(levels).fill(0);
  const sums = Array.from({ length: levels }, () => new Array<number>(metrics).fill(0));
  for (const g of groups) {
    const level = g.levelIndex[knob]!;
    counts[level] = counts[level]! + g.values[0]!.length;
    for (let m = 0; m < metrics; m++) for (const v of g.values[m]!) sums[level]![m] = sums[level]![m]! + v;
  }
  return { counts, means: sums.map((row, level) => row.map((s) => (counts[level]! > 0 ? s / counts[level]! : Number.NaN))) };
}

/** Difference of differences at the extreme levels of two knobs (cells averaged over every other knob). */
function cornerMeans(groups: readonly ConfigGroup[], a: number, b: number, highA: number, highB: number, metric: number): { difference: number; inverseCountSum: number } {
  const sums = [0, 0, 0, 0];
  const counts = [0, 0, 0, 0];
  for (const g of groups) {
    const la = g.levelIndex[a]!;
    const lb = g.levelIndex[b]!;
    if ((la !== 0 && la !== highA) || (lb !== 0 && lb !== highB)) continue;
    const cell = (la === 0 ? 0 : 2) + (lb === 0 ? 0 : 1);
    for (const v of g.values[metric]!) sums[cell] = sums[cell]! + v;
    counts[cell] = counts[cell]! + g.values[metric]!.length;
  }
  if (counts.some((c) => c === 0)) return { difference: 0, inverseCountSum: Infinity };
  const mean = sums.map((s, i) => s / counts[i]!);
  return {
    difference: mean[3]! - mean[2]! - mean[1]! + mean[0]!,
    inverseCountSum: counts.reduce((s, c) => s + 1 / c, 0),
  };
}

/** An interior level significantly below (or above) both extreme levels makes the effect non-monotonic. */
function turningPoint(means: readonly number[], counts: readonly number[], present: readonly number[], mse: number, tCritical: number): { level: number; kind: 'minimum' | 'maximum' } | undefined {
  if (present.length < 3 || !(mse >= 0)) return undefined;
  const first = present[0]!;
  const last = present[present.length - 1]!;
  const interior = present.slice(1, -1);
  const margin = (i: number, j: number): number => tCritical * Math.sqrt(mse * (1 / counts[i]! + 1 / counts[j]!));
  const lowest = interior.reduce((a, b) => (means[b]! < means[a]! ? b : a));
  if (means[first]! - means[lowest]! > margin(first, lowest) && means[last]! - means[lowest]! > margin(last, lowest)) return { level: lowest, kind: 'minimum' };
  const highest = interior.reduce((a, b) => (means[b]! > means[a]! ? b : a));
  if (means[highest]! - means[first]! > margin(first, highest) && means[highest]! - means[last]! > margin(last, highest)) return { level: highest, kind: 'maximum' };
  return undefined;
}
