/**
 * Least squares over sufficient statistics. A design is accumulated once into XᵀX, Xᵀy (one column per
 * response) and yᵀy from sparse rows weighted by how many measurements they stand for; any sub-model's
 * residual sum of squares then comes from a Cholesky factor of a block of XᵀX, without touching the rows again.
 * Columns that are linear combinations of earlier ones (aliased effects in a fractional design) are dropped
 * and lower the rank instead of breaking the factorization.
 */

export class GramMatrix {
  readonly xtx: Float64Array;
  readonly xty: Float64Array[];
  readonly yty: Float64Array;
  count = 0;

  constructor(
    readonly columns: number,
    readonly responses: number,
  ) {
    this.xtx = new Float64Array(columns * columns);
    this.xty = Array.from({ length: responses }, () => new Float64Array(columns));
    this.yty = new Float64Array(responses);
  }

  /**
   * Adds `weight` identical design rows x (sparse: indices with values) whose responses sum to sumY and whose
   * squared responses sum to sumSquaresY.
   */
  add(indices: ArrayLike<number>, values: ArrayLike<number>, weight: number, sumY: ArrayLike<number>, sumSquaresY: ArrayLike<number>): void {
    const p = this.columns;
    for (let a = 0; a < indices.length; a++) {
      const i = indices[a]!;
      const wi = weight * values[a]!;
      for (let b = 0; b < indices.length; b++) {
        const cell = i * p + indices[b]!;
        this.xtx[cell] = this.xtx[cell]! + wi * values[b]!;
      }
      for (let r = 0; r < this.responses; r++) this.xty[r]![i] = this.xty[r]![i]! + values[a]! * sumY[r]!;
    }
    for (let r = 0; r < this.responses; r++) this.yty[r] = this.yty[r]! + sumSquaresY[r]!;
    this.count += weight;
  }
}

export interface SubsetFit {
  /** Residual sum of squares per response. */
  readonly rss: Float64Array;
  /** Number of independent columns kept. */
  readonly rank: number;
  /** Coefficients per response, indexed like `columns` (0 for dropped columns). */
  readonly coefficients: Float64Array[];
  /** The Gram columns fitted, in the order given. */
  readonly columns: readonly number[];
  /** Per position in `columns`: 1 when the column was kept, 0 when it was aliased with earlier ones. */
  readonly kept: Uint8Array;
  /**
   * Row-major k×k lower Cholesky factor of the kept columns' block of XᵀX (k = columns.length). Row j of a dropped
   * column holds its coordinates on the earlier kept columns' orthonormal basis.
   */
  readonly lower: Float64Array;
}

/** Fits the sub-model made of the given columns of the Gram matrix (ridge > 0 adds λ to the diagonal). */
export function fitSubset(gram: GramMatrix, columns: readonly number[], ridge = 0): SubsetFit {
  const k = columns.length;
  const p = gram.columns;
  const lower = new Float64Array(k * k);
  const kept = new Uint8Array(k);
  let rank = 0;
  for (let j = 0; j < k; j++) {
    const cj = columns[j]!;
    const diagonal = gram.xtx[cj * p + cj]! + ridge;
    let d = diagonal;
    for (let m = 0; m < j; m++) d -= lower[j * k + m]! ** 2;
    if (!(diagonal > 0) || d <= 1e-9 * diagonal) continue;
    kept[j] = 1;
    rank++;
    const root = Math.sqrt(d);
    lower[j * k + j] = root;
    for (let i = j + 1; i < k; i++) {
      const ci = columns[i]!;
      let s = gram.xtx[ci * p + cj]!;
      for (let m = 0; m < j; m++) s -= lower[i * k + m]! * lower[j * k + m]!;
      lower[i * k + j] = s / root;
    }
  }
  const rss = new Float64Array(gram.responses);
  const coefficients: Float64Array[] = [];
  for (let r = 0; r < gram.responses; r++) {
    const z = new Float64Array(k);
    let explained = 0;
    for (let j = 0; j < k; j++) {
      if (!kept[j]) continue;
      let s = gram.xty[r]![columns[j]!]!;
      for (let m = 0; m < j; m++) s -= lower[j * k + m]! * z[m]!;
      z[j] = s / lower[j * k + j]!;
      explained += z[j]! ** 2;
    }
    rss[r] = Math.max(0, gram.yty[r]! - explained);
    const beta = new Float64Array(k);
    for (let j = k - 1; j >= 0; j--) {
      if (!kept[j]) continue;
      let s = z[j]!;
      for (let m = j + 1; m < k; m++) s -= lower[m * k + j]! * beta[m]!;
      beta[j] = s / lower[j * k + j]!;
    }
    coefficients.push(beta);
  }
  return { rss, rank, coefficients, columns, kept, lower };
}

/** True when the fit dropped a column that has data: it is a combination of the others (aliased), not just empty. */
export function hasAliasedColumns(gram: GramMatrix, fit: SubsetFit): boolean {
  return fit.columns.some((column, position) => !fit.kept[position] && gram.xtx[column * gram.columns + column]! > 0);
}
