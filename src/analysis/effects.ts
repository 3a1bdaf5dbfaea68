/**
 * What drives each metric: a linear model of the knobs' main effects and pairwise interactions, fitted on every
 * valid row (repetitions give the pure error), with environment blocks and environment × knob terms when
 * several environments are pooled. Every main effect and interaction is tested with Type II sums of squares
 * (type-two.ts: the model with and without the term, every other term not containing it kept) against the
 * residual of the whole model — the same tests as statsmodels' anova_lm(typ=2). Without two residual degrees
 * of freedom in that model the main-effects model is used instead, and each interaction is tested by adding it
 * to that model, against the augmented model's residual.
 *
 * Effect sizes, their 95% intervals and the non-monotonic flags come from the fitted model's least-squares means
 * (least-squares-means.ts), not from raw marginal means, so on unbalanced data other knobs' effects and the
 * environments' differences do not leak into them. Pooled main effects are average effects over the
 * environments (each weighted equally), judged against the noise within them.
 *
 * The p-values of all main-effect and interaction tests are Holm-adjusted together, over all the objectives'
 * metrics as one family (every one of those tests can become a finding; options.familyMetrics) and within each
 * other metric. An effect is significant only if its adjusted p < alpha and its 95% interval excludes zero.
 */
import { fSurvival, tQuantileTwoSided } from './stats/distributions.js';
import { LinearContrasts } from './stats/contrast.js';
import { fitSubset, hasAliasedColumns } from './stats/least-squares.js';
import { holmAdjust } from './stats/multiplicity.js';
import { accumulateDesign, designLayout, designTerms, type DesignTerm } from './design.js';
import { interactionContrast, knobLevelMeans, ReferenceGrid, type KnobLevelMeans } from './least-squares-means.js';
import { typeTwoTest } from './type-two.js';
import { knobImportance } from './importance.js';
import type { ConfigGroup, PreparedStudy } from './prepare.js';
import type { EffectModel, InteractionEffect, KnobEffect, MetricEffects } from './types.js';

export interface EffectsOptions {
  readonly alpha: number;
  /** Pool several environments, each its own block. */
  readonly pooled: boolean;
  readonly seed: number;
  /**
   * Metrics whose effect tests are Holm-adjusted together as one family (the objectives: every test that can
   * become a finding); every other metric is its own family.
   */
  readonly familyMetrics?: readonly string[];
  /** Metrics to grow importance trees for (default: all). */
  readonly importanceMetrics?: readonly string[];
}

interface EffectTest {
  readonly sumOfSquares: Float64Array;
  readonly df: number;
  readonly errorRss: Float64Array;
  readonly errorDf: number;
  readonly testedIn: EffectModel;
}

interface CandidateModel {
  readonly name: EffectModel;
  readonly terms: readonly DesignTerm[];
}

/**
 * The models tried, largest first: every term; without the knob × knob interactions; main effects and environment
 * blocks only. The first whose columns are all estimable (no aliasing, as in a design sparser than the model)
 * and that leaves two residual degrees of freedom is used; the last one otherwise.
 */
function candidateModels(terms: readonly DesignTerm[]): CandidateModel[] {
  const withoutInteractions = terms.filter((t) => t.kind !== 'interaction');
  const mainEffects = terms.filter((t) => t.kind === 'environment' || t.kind === 'main');
  return [
    { name: 'full-model', terms },
    ...(withoutInteractions.length < terms.length && withoutInteractions.length > mainEffects.length ? [{ name: 'without-interactions' as const, terms: withoutInteractions }] : []),
    ...(mainEffects.length < terms.length ? [{ name: 'main-effects-model' as const, terms: mainEffects }] : []),
  ];
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
  const terms = designTerms(layout);
  const columnsOf = (list: readonly DesignTerm[]): number[] => [layout.intercept, ...list.flatMap((t) => t.columns)];
  const fitBase = fitSubset(gram, [layout.intercept, ...layout.environmentColumns]);
  const candidates = candidateModels(terms).map((candidate) => ({ ...candidate, fit: fitSubset(gram, columnsOf(candidate.terms)) }));
  const fitFull = candidates[0]!.fit;
  const chosen = candidates.find((c) => n - c.fit.rank >= 2 && !hasAliasedColumns(gram, c.fit)) ?? candidates[candidates.length - 1]!;
  const errorFit = chosen.fit;
  const errorDf = n - errorFit.rank;
  const tCritical = errorDf > 0 ? tQuantileTwoSided(0.95, errorDf) : Number.NaN;
  const simplest = candidates[candidates.length - 1]!;
  const effectModels = [chosen, ...(chosen === simplest ? [] : [simplest])];
  const effectContrasts = effectModels.map((c) => new LinearContrasts(gram, c.fit));
  const grid = new ReferenceGrid(layout, knobs, groups);
  const zeroAnchor = new Float64Array(M);

  const mainTests: EffectTest[] = knobs.map((_, k) => ({
    ...typeTwoTest(gram, layout.intercept, chosen.terms, chosen.terms.findIndex((t) => t.kind === 'main' && t.factors[0] === k)),
    errorRss: errorFit.rss,
    errorDf,
    testedIn: chosen.name,
  }));
  const levelMeans = knobs.map((_, k) => knobLevelMeans(grid, k, effectContrasts, zeroAnchor));
  const pairResults = layout.pairs.map((pair) => {
    const index = chosen.terms.findIndex((t) => t.kind === 'interaction' && t.factors[0] === pair.a && t.factors[1] === pair.b);
    if (index >= 0) {
      const test = typeTwoTest(gram, layout.intercept, chosen.terms, index);
      return { test: { ...test, errorRss: errorFit.rss, errorDf, testedIn: chosen.name }, contrast: interactionContrast(grid, pair.a, pair.b, effectContrasts.slice(0, 1)) };
    }
    // The data cannot carry every interaction at once: this one is added alone to the chosen model and judged by
    // the residual of that augmented model (which still holds the other interactions, so it errs on the safe side).
    const augmented = fitSubset(gram, [...errorFit.columns, ...pair.columns]);
    const test: EffectTest = {
      sumOfSquares: errorFit.rss.map((rss, r) => Math.max(0, rss - augmented.rss[r]!)),
      df: augmented.rank - errorFit.rank,
      errorRss: augmented.rss,
      errorDf: n - augmented.rank,
      testedIn: chosen.name,
    };
    return { test, contrast: interactionContrast(grid, pair.a, pair.b, [new LinearContrasts(gram, augmented)]) };
  });

  const tests = metrics.map((_, m) => ({ mainF: mainTests.map((test) => fTest(test, m)), pairF: pairResults.map((pair) => fTest(pair.test, m)) }));
  const adjustedByMetric = adjustInFamilies(metrics, tests, options.familyMetrics ?? []);
  const result: Record<string, MetricEffects> = {};
  for (let m = 0; m < M; m++) {
    const mse = errorDf > 0 ? errorFit.rss[m]! / errorDf : Number.NaN;
    const grandMean = centres[m]!;
    const { mainF, pairF } = tests[m]!;
    const adjusted = adjustedByMetric[m]!;
    const main: KnobEffect[] = knobs.map((knob, k) => {
      const test = mainTests[k]!;
      const means = levelMeans[k]!;
      const lsMeans = means.means.map((row) => row[m]! + grandMean);
      const positions = lsMeans.map((_, i) => i);
      const [low, high] = knob.kind === 'categorical' && means.model >= 0
        ? [positions.reduce((a, b) => (lsMeans[b]! < lsMeans[a]! ? b : a)), positions.reduce((a, b) => (lsMeans[b]! > lsMeans[a]! ? b : a))]
        : [0, positions.length - 1];
      const effectSize = lsMeans[high]! - lsMeans[low]!;
      const halfWidth = tCritical * Math.sqrt(mse * means.differenceVariance(high, low));
      const ci = [effectSize - halfWidth, effectSize + halfWidth] as const;
      const { f, p } = mainF[k]!;
      const pAdjusted = adjusted[k]!;
      const turning = knob.kind === 'numeric' && pAdjusted < options.alpha ? turningPoint(lsMeans, means, mse, tCritical) : undefined;
      const counts = levelCounts(groups, k, knob.levels.length);
      return {
        knob: knob.name,
        kind: knob.kind,
        effectSize,
        pValue: p,
        pAdjusted,
        significant: pAdjusted < options.alpha && (ci[0] > 0 || ci[1] < 0),
        levels: means.levels.map((level, i) => ({ level: String(knob.levels[level]), mean: lsMeans[i]!, rawMean: counts.means[level]![m]!, n: counts.rows[level]! })),
        nonMonotonic: turning !== undefined,
        ...(turning ? { turningLevel: String(knob.levels[means.levels[turning.position]!]), turningKind: turning.kind } : {}),
        ci,
        relativeEffect: grandMean !== 0 ? effectSize / Math.abs(grandMean) : Number.NaN,
        partialEtaSquared: partialEtaSquared(test, m),
        fStatistic: f,
        df: [test.df, test.errorDf],
        fromLevel: String(knob.levels[means.levels[low]!]),
        toLevel: String(knob.levels[means.levels[high]!]),
        testedIn: test.testedIn,
        estimatedIn: means.model < 0 ? 'not-estimable' : effectModels[means.model]!.name,
      };
    });
    const interactions: InteractionEffect[] = layout.pairs.map((pair, index) => {
      const { test, contrast } = pairResults[index]!;
      const effectSize = contrast.estimates[m]!;
      const pairMse = test.errorRss[m]! / test.errorDf;
      const halfWidth = tCritical * Math.sqrt(pairMse * contrast.varianceFactor);
      const ci = [effectSize - halfWidth, effectSize + halfWidth] as const;
      const pAdjusted = adjusted[knobs.length + index]!;
      return {
        knobs: [knobs[pair.a]!.name, knobs[pair.b]!.name] as const,
        effectSize,
        pValue: pairF[index]!.p,
        pAdjusted,
        significant: pAdjusted < options.alpha && (ci[0] > 0 || ci[1] < 0),
        ci,
        relativeEffect: grandMean !== 0 ? effectSize / Math.abs(grandMean) : Number.NaN,
        partialEtaSquared: partialEtaSquared(test, m),
        fStatistic: pairF[index]!.f,
        df: [test.df, test.errorDf],
        linearContrast: pair.linear,
        testedIn: test.testedIn,
        estimatedIn: contrast.model < 0 ? 'not-estimable' : test.testedIn,
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
      testType: 'type-II',
      pAdjustMethod: 'holm',
      pAdjustFamily: (options.familyMetrics ?? []).includes(metrics[m]!) ? [...options.familyMetrics!] : [metrics[m]!],
    };
  }
  const importance = knobImportance(study, groups, options.pooled, options.seed, options.importanceMetrics ?? metrics);
  for (const [metric, list] of Object.entries(importance)) result[metric] = { ...result[metric]!, importance: list };
  return result;
}

function fTest(test: EffectTest, m: number): { f: number; p: number } {
  const ss = test.sumOfSquares[m]!;
  const errorRss = test.errorRss[m]!;
  if (test.df <= 0 || test.errorDf <= 0) return { f: Number.NaN, p: Number.NaN };
  if (errorRss <= 0) return ss > 0 ? { f: Infinity, p: 0 } : { f: 0, p: 1 };
  const f = ss / test.df / (errorRss / test.errorDf);
  return { f, p: fSurvival(f, test.df, test.errorDf) };
}

function partialEtaSquared(test: EffectTest, m: number): number {
  const ss = test.sumOfSquares[m]!;
  const total = ss + test.errorRss[m]!;
  return total > 0 ? ss / total : 0;
}

/** Rows and raw (unadjusted) means per level of one knob, for the record next to the least-squares means. */
function levelCounts(groups: readonly ConfigGroup[], knob: number, levels: number): { rows: number[]; means: number[][] } {
  const rows = new Array<number>(levels).fill(0);
  const metrics = groups[0]?.values.length ?? 0;
  const sums = Array.from({ length: levels }, () => new Array<number>(metrics).fill(0));
  for (const g of groups) {
    const level = g.levelIndex[knob]!;
    rows[level] = rows[level]! + g.values[0]!.length;
    for (let m = 0; m < metrics; m++) for (const v of g.values[m]!) sums[level]![m] = sums[level]![m]! + v;
  }
  return { rows, means: sums.map((row, level) => row.map((s) => (rows[level]! > 0 ? s / rows[level]! : Number.NaN))) };
}

/**
 * An interior level whose least-squares mean is significantly (95%, fitted-contrast interval) below both extreme
 * levels — or above both — makes the effect non-monotonic. Only asked of knobs whose main effect is significant
 * after adjustment, so noise alone rarely draws a shape.
 */
function turningPoint(means: readonly number[], levelMeans: KnobLevelMeans, mse: number, tCritical: number): { position: number; kind: 'minimum' | 'maximum' } | undefined {
  if (means.length < 3 || !(mse >= 0) || levelMeans.model < 0) return undefined;
  const first = 0;
  const last = means.length - 1;
  const interior = means.map((_, i) => i).slice(1, -1);
  const margin = (i: number, j: number): number => tCritical * Math.sqrt(mse * levelMeans.differenceVariance(i, j));
  const lowest = interior.reduce((a, b) => (means[b]! < means[a]! ? b : a));
  if (means[first]! - means[lowest]! > margin(first, lowest) && means[last]! - means[lowest]! > margin(last, lowest)) return { position: lowest, kind: 'minimum' };
  const highest = interior.reduce((a, b) => (means[b]! > means[a]! ? b : a));
  if (means[highest]! - means[first]! > margin(first, highest) && means[highest]! - means[last]! > margin(last, highest)) return { position: highest, kind: 'maximum' };
  return undefined;
}

/** Holm-adjusted p-values per metric: the family metrics' tests all together, every other metric's on their own. */
function adjustInFamilies(metrics: readonly string[], tests: readonly { mainF: readonly { p: number }[]; pairF: readonly { p: number }[] }[], familyMetrics: readonly string[]): number[][] {
  const pValues = tests.map((test) => [...test.mainF, ...test.pairF].map((t) => t.p));
  const adjusted = pValues.map((ps) => holmAdjust(ps));
  const family = metrics.flatMap((metric, m) => (familyMetrics.includes(metric) ? [m] : []));
  if (family.length > 1) {
    const joint = holmAdjust(family.flatMap((m) => pValues[m]!));
    let offset = 0;
    for (const m of family) {
      adjusted[m] = joint.slice(offset, offset + pValues[m]!.length);
      offset += pValues[m]!.length;
    }
  }
  return adjusted;
}
