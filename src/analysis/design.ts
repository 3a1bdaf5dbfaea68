/**
 * The ANOVA design over configuration groups: an intercept, environment blocks, treatment-coded main effects
 * per knob, interaction columns per knob pair, and environment × knob columns when environments are pooled. Interactions of two knobs with many levels would need
 * (La−1)(Lb−1) columns; above MAX_INTERACTION_COLUMNS the pair is tested on the product of the knobs'
 * centred rank contrasts (one column, the linear×linear interaction) instead.
 */
import { GramMatrix } from './stats/least-squares.js';
import type { ConfigGroup, KnobInfo } from './prepare.js';

export const MAX_INTERACTION_COLUMNS = 16;

export interface DesignLayout {
  readonly columns: number;
  readonly intercept: number;
  readonly environmentColumns: readonly number[];
  /** Per knob: its main-effect columns. */
  readonly mainColumns: readonly (readonly number[])[];
  /** Per pair [a, b] (a < b): its interaction columns. */
  readonly pairs: readonly { readonly a: number; readonly b: number; readonly columns: readonly number[]; readonly linear: boolean }[];
  /**
   * Environment × knob columns: [knob][environment slot − 1][level − 1]. Part of the model when environments are
   * pooled, so that a knob whose effect differs between environments neither leaks into other knobs' tests on
   * unbalanced data nor inflates the noise the average effect is judged by.
   */
  readonly environmentKnobColumns: readonly (readonly (readonly number[])[])[];
}

/** The factor standing for the environment in a term's factor set (knobs are 0, 1, …). */
export const ENVIRONMENT_FACTOR = -1;

/** One model term: its columns and the factors it is made of (the containment Type II tests are built on). */
export interface DesignTerm {
  readonly kind: 'environment' | 'main' | 'interaction' | 'environment-knob';
  readonly factors: readonly number[];
  readonly columns: readonly number[];
}

/** Every term of the layout except the intercept, lower order first: environment, main effects, knob pairs, environment × knob. */
export function designTerms(layout: DesignLayout): DesignTerm[] {
  const terms: DesignTerm[] = [];
  if (layout.environmentColumns.length > 0) terms.push({ kind: 'environment', factors: [ENVIRONMENT_FACTOR], columns: layout.environmentColumns });
  layout.mainColumns.forEach((columns, k) => terms.push({ kind: 'main', factors: [k], columns }));
  for (const pair of layout.pairs) terms.push({ kind: 'interaction', factors: [pair.a, pair.b], columns: pair.columns });
  layout.environmentKnobColumns.forEach((bySlot, k) => {
    const columns = bySlot.flat();
    if (columns.length > 0) terms.push({ kind: 'environment-knob', factors: [ENVIRONMENT_FACTOR, k], columns });
  });
  return terms;
}

export function designLayout(knobs: readonly KnobInfo[], environments: number): DesignLayout {
  let next = 1;
  const take = (count: number): number[] => Array.from({ length: count }, () => next++);
  const environmentColumns = take(Math.max(0, environments - 1));
  const mainColumns = knobs.map((knob) => take(knob.levels.length - 1));
  const pairs: DesignLayout['pairs'][number][] = [];
  for (let a = 0; a < knobs.length; a++) {
    for (let b = a + 1; b < knobs.length; b++) {
      const full = (knobs[a]!.levels.length - 1) * (knobs[b]!.levels.length - 1);
      if (full === 0) continue;
      const linear = full > MAX_INTERACTION_COLUMNS;
      pairs.push({ a, b, columns: take(linear ? 1 : full), linear });
    }
  }
  const environmentKnobColumns = knobs.map((knob) => environmentColumns.map(() => take(knob.levels.length - 1)));
  return { columns: next, intercept: 0, environmentColumns, mainColumns, pairs, environmentKnobColumns };
}

/**
 * Accumulates the groups into XᵀX etc. Responses are centred on `centres` (per metric) for numerical accuracy.
 * environmentSlot maps a group's environment index to its block (0 = the reference block).
 */
export function accumulateDesign(
  layout: DesignLayout,
  knobs: readonly KnobInfo[],
  groups: readonly ConfigGroup[],
  centres: Float64Array,
  environmentSlot: (group: ConfigGroup) => number,
): GramMatrix {
  const responses = centres.length;
  const gram = new GramMatrix(layout.columns, responses);
  const indices: number[] = [];
  const values: number[] = [];
  const sumY = new Float64Array(responses);
  const sumSquares = new Float64Array(responses);
  const rankContrast = knobs.map((knob) => (knob.levels.length > 1 ? 1 / (knob.levels.length - 1) : 0));
  for (const group of groups) {
    indices.length = 0;
    values.length = 0;
    indices.push(layout.intercept);
    values.push(1);
    const slot = environmentSlot(group);
    if (slot > 0) {
      indices.push(layout.environmentColumns[slot - 1]!);
      values.push(1);
    }
    for (let k = 0; k < knobs.length; k++) {
      const level = group.levelIndex[k]!;
      if (level > 0) {
        indices.push(layout.mainColumns[k]![level - 1]!);
        values.push(1);
        if (slot > 0) {
          indices.push(layout.environmentKnobColumns[k]![slot - 1]![level - 1]!);
          values.push(1);
        }
      }
    }
    for (const pair of layout.pairs) {
      const la = group.levelIndex[pair.a]!;
      const lb = group.levelIndex[pair.b]!;
      if (pair.linear) {
        const ca = la * rankContrast[pair.a]! - 0.5;
        const cb = lb * rankContrast[pair.b]! - 0.5;
        indices.push(pair.columns[0]!);
        values.push(ca * cb);
      } else if (la > 0 && lb > 0) {
        const levelsB = knobs[pair.b]!.levels.length - 1;
        indices.push(pair.columns[(la - 1) * levelsB + (lb - 1)]!);
        values.push(1);
      }
    }
    const count = group.values[0]!.length;
    for (let m = 0; m < responses; m++) {
      let s = 0;
      let ss = 0;
      for (const value of group.values[m]!) {
        const centred = value - centres[m]!;
        s += centred;
        ss += centred * centred;
      }
      sumY[m] = s;
      sumSquares[m] = ss;
    }
    gram.add(indices, values, count, sumY, sumSquares);
  }
  return gram;
}
