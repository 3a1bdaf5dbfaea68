/**
 * Least-squares means (estimated marginal means, as R's emmeans): the fitted model's prediction at a knob's
 * level averaged with equal weight over every level of the other knobs and every environment — the mean a
 * balanced study would have measured. Raw marginal means instead weight each level by how often it was
 * measured together with the other knobs' levels, so on unbalanced data they carry other knobs' effects.
 * Averaging the model's design rows over the grid gives each such mean as a linear contrast c'β.
 */
import { LinearContrasts, type ContrastEstimate } from './stats/contrast.js';
import type { DesignLayout } from './design.js';
import type { ConfigGroup, KnobInfo } from './prepare.js';

export class ReferenceGrid {
  /** Per knob: the level indexes measured in these groups (the grid averages over those only). */
  readonly presentLevels: readonly (readonly number[])[];

  constructor(
    private readonly layout: DesignLayout,
    private readonly knobs: readonly KnobInfo[],
    groups: readonly ConfigGroup[],
  ) {
    this.presentLevels = knobs.map((knob, k) => {
      const seen = new Uint8Array(knob.levels.length);
      for (const group of groups) seen[group.levelIndex[k]!] = 1;
      return [...seen.keys()].filter((level) => seen[level] === 1);
    });
  }

  /** The design row averaged over the grid, with the knobs in `fixed` held at the given level indexes. */
  row(fixed: ReadonlyMap<number, number>): Float64Array {
    const { layout, knobs } = this;
    const row = new Float64Array(layout.columns);
    const environments = layout.environmentColumns.length + 1;
    const weights = knobs.map((knob, k) => {
      const w = new Float64Array(knob.levels.length);
      const level = fixed.get(k);
      const present = this.presentLevels[k]!;
      if (level !== undefined) w[level] = 1;
      else for (const l of present) w[l] = 1 / present.length;
      return w;
    });
    row[layout.intercept] = 1;
    for (const column of layout.environmentColumns) row[column] = 1 / environments;
    layout.mainColumns.forEach((columns, k) => columns.forEach((column, l) => (row[column] = weights[k]![l + 1]!)));
    for (const pair of layout.pairs) {
      const wa = weights[pair.a]!;
      const wb = weights[pair.b]!;
      if (pair.linear) {
        row[pair.columns[0]!] = meanRankContrast(wa) * meanRankContrast(wb);
        continue;
      }
      const levelsB = wb.length - 1;
      for (let la = 1; la < wa.length; la++) for (let lb = 1; lb < wb.length; lb++) row[pair.columns[(la - 1) * levelsB + (lb - 1)]!] = wa[la]! * wb[lb]!;
    }
    layout.environmentKnobColumns.forEach((bySlot, k) => bySlot.forEach((columns) => columns.forEach((column, l) => (row[column] = weights[k]![l + 1]! / environments))));
    return row;
  }
}

/** The centred rank contrast of design.ts (level/(L−1) − ½) averaged under the given level weights. */
function meanRankContrast(weights: Float64Array): number {
  const span = weights.length - 1;
  let sum = 0;
  for (let l = 0; l < weights.length; l++) sum += weights[l]! * (span > 0 ? l / span - 0.5 : 0);
  return sum;
}

export interface KnobLevelMeans {
  /** Present level indexes, ascending. */
  readonly levels: readonly number[];
  /** Per present level: the least-squares mean per response, on the centred scale (add the centre back). */
  readonly means: readonly Float64Array[];
  /** Variance factor c'(XᵀX)⁻¹c of the difference between the i-th and j-th present levels. */
  readonly differenceVariance: (i: number, j: number) => number;
  /** Which of the models offered gave the estimates (-1: none could). */
  readonly model: number;
}

/**
 * The least-squares means of one knob's levels from the first model in which their differences are estimable.
 * They are anchored at the grid's grand mean when that is estimable too, else at `fallbackAnchor` (the raw mean,
 * on the centred scale): differences between levels, which is all any test or interval uses, are the same.
 */
export function knobLevelMeans(grid: ReferenceGrid, knob: number, models: readonly LinearContrasts[], fallbackAnchor: Float64Array): KnobLevelMeans {
  const levels = grid.presentLevels[knob]!;
  const rows = levels.map((level) => grid.row(new Map([[knob, level]])));
  const average = new Float64Array(rows[0]?.length ?? 0);
  for (const row of rows) row.forEach((v, c) => (average[c] = average[c]! + v / rows.length));
  const centred = rows.map((row) => row.map((v, c) => v - average[c]!));
  for (let model = 0; model < models.length; model++) {
    const contrasts = models[model]!;
    const deviations = centred.map((c) => contrasts.estimate(c));
    if (!deviations.every((d) => d.estimable)) continue;
    const grand = contrasts.estimate(average);
    const anchor = grand.estimable ? grand.estimates : fallbackAnchor;
    return {
      levels,
      means: deviations.map((d) => d.estimates.map((v, r) => anchor[r]! + v)),
      differenceVariance: (i, j) => contrasts.estimate(rows[i]!.map((v, c) => v - rows[j]![c]!)).varianceFactor,
      model,
    };
  }
  return { levels, means: levels.map(() => new Float64Array(fallbackAnchor.length).fill(Number.NaN)), differenceVariance: () => Number.NaN, model: -1 };
}

/**
 * The fitted difference of differences at two knobs' extreme measured levels, averaged over everything else:
 * m(a_hi, b_hi) − m(a_hi, b_lo) − m(a_lo, b_hi) + m(a_lo, b_lo), from the first model that can estimate it.
 */
export function interactionContrast(grid: ReferenceGrid, a: number, b: number, models: readonly LinearContrasts[]): ContrastEstimate & { readonly model: number } {
  const levelsA = grid.presentLevels[a]!;
  const levelsB = grid.presentLevels[b]!;
  const corner = (la: number, lb: number): Float64Array => grid.row(new Map([[a, la], [b, lb]]));
  const [aLow, aHigh, bLow, bHigh] = [levelsA[0]!, levelsA[levelsA.length - 1]!, levelsB[0]!, levelsB[levelsB.length - 1]!];
  const hh = corner(aHigh, bHigh);
  const hl = corner(aHigh, bLow);
  const lh = corner(aLow, bHigh);
  const ll = corner(aLow, bLow);
  const contrast = hh.map((v, c) => v - hl[c]! - lh[c]! + ll[c]!);
  for (let model = 0; model < models.length; model++) {
    const estimate = models[model]!.estimate(contrast);
    if (estimate.estimable) return { ...estimate, model };
  }
  const responses = models[0]?.responses ?? 0;
  return { estimable: false, estimates: new Float64Array(responses).fill(Number.NaN), varianceFactor: Number.NaN, model: -1 };
}
