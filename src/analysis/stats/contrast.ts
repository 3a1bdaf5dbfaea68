/**
 * Linear contrasts c'β of a fitted sub-model: their estimates, the factor c'(XᵀX)⁻¹c that scales the residual
 * mean square into their variance, and whether they are estimable at all. With aliased (dropped) columns the
 * coefficients are one of many solutions; a contrast is estimable — the same for every solution — only when it
 * lies in the row space of X, i.e. when each dropped column's weight equals what its alias on the kept columns
 * implies. A non-estimable contrast (an empty cell, a level never measured) is reported as such, never guessed.
 */
import type { GramMatrix, SubsetFit } from './least-squares.js';

export interface ContrastEstimate {
  readonly estimable: boolean;
  /** c'β per response (NaN when not estimable). */
  readonly estimates: Float64Array;
  /** c'(XᵀX)⁻¹c: variance of the estimate in units of the residual variance (NaN when not estimable). */
  readonly varianceFactor: number;
}

const ESTIMABILITY_TOLERANCE = 1e-7;

export class LinearContrasts {
  readonly #fit: SubsetFit;
  readonly #positionOf: Map<number, number>;
  /** Per dropped position: the weights that write its column as a combination of kept columns (by position). */
  readonly #aliases: { readonly position: number; readonly weights: Float64Array }[] = [];

  constructor(gram: GramMatrix, fit: SubsetFit) {
    this.#fit = fit;
    this.#positionOf = new Map(fit.columns.map((column, position) => [column, position]));
    const k = fit.columns.length;
    for (let d = 0; d < k; d++) {
      if (fit.kept[d]) continue;
      // A zero column (a level or cell with no rows) aliases with nothing: weight 0 everywhere.
      const weights = new Float64Array(k);
      const diagonal = gram.xtx[fit.columns[d]! * gram.columns + fit.columns[d]!]!;
      if (diagonal > 0) this.#backSolve(Float64Array.from({ length: k }, (_, m) => (m < d && fit.kept[m] ? fit.lower[d * k + m]! : 0)), weights);
      this.#aliases.push({ position: d, weights });
    }
  }

  /** How many responses every estimate has. */
  get responses(): number {
    return this.#fit.coefficients.length;
  }

  /**
   * c is indexed by Gram column. Columns outside the fit are not in this model (their coefficient is zero), so
   * their weights are ignored: a row of the full design restricted to the sub-model is the sub-model's row.
   */
  estimate(contrast: ArrayLike<number>): ContrastEstimate {
    const fit = this.#fit;
    const k = fit.columns.length;
    const responses = fit.coefficients.length;
    const byPosition = new Float64Array(k);
    for (let column = 0; column < contrast.length; column++) {
      const weight = contrast[column]!;
      if (weight === 0) continue;
      const position = this.#positionOf.get(column);
      if (position !== undefined) byPosition[position] = weight;
    }
    for (const alias of this.#aliases) {
      let implied = 0;
      let scale = Math.abs(byPosition[alias.position]!);
      for (let m = 0; m < k; m++) {
        const term = byPosition[m]! * alias.weights[m]!;
        implied += term;
        scale += Math.abs(term);
      }
      if (Math.abs(byPosition[alias.position]! - implied) > ESTIMABILITY_TOLERANCE * (1 + scale)) return notEstimable(responses);
    }
    const estimates = new Float64Array(responses);
    for (let r = 0; r < responses; r++) {
      let sum = 0;
      for (let m = 0; m < k; m++) if (fit.kept[m]) sum += byPosition[m]! * fit.coefficients[r]![m]!;
      estimates[r] = sum;
    }
    // ‖L⁻¹c‖² over the kept positions.
    let varianceFactor = 0;
    const z = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      if (!fit.kept[j]) continue;
      let s = byPosition[j]!;
      for (let m = 0; m < j; m++) if (fit.kept[m]) s -= fit.lower[j * k + m]! * z[m]!;
      z[j] = s / fit.lower[j * k + j]!;
      varianceFactor += z[j]! ** 2;
    }
    return { estimable: true, estimates, varianceFactor };
  }

  /** Solves Lᵀw = z over the kept positions (the back-substitution of a least-squares solve). */
  #backSolve(z: Float64Array, out: Float64Array): void {
    const fit = this.#fit;
    const k = fit.columns.length;
    for (let j = k - 1; j >= 0; j--) {
      if (!fit.kept[j]) continue;
      let s = z[j]!;
      for (let m = j + 1; m < k; m++) if (fit.kept[m]) s -= fit.lower[m * k + j]! * out[m]!;
      out[j] = s / fit.lower[j * k + j]!;
    }
  }
}

function notEstimable(responses: number): ContrastEstimate {
  return { estimable: false, estimates: new Float64Array(responses).fill(Number.NaN), varianceFactor: Number.NaN };
}
