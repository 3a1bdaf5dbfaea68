/**
 * CART regression tree. Split search sorts each feature once per node and scans prefix sums, O(n log n) per
 * feature per node, so trees on thousands of configurations take milliseconds (ml-cart rescans every
 * candidate split, O(n²), which is too slow for the 100,000-row goal). Importance is each feature's total
 * reduction of squared error, normalized to sum to 1. The analysis' predictors and importance and the adaptive
 * sampler's surrogate all use these trees. A row goes left when its feature is below the threshold.
 */
import type { Rng } from './random.js';

export interface TreeOptions {
  readonly maxDepth?: number;
  readonly minLeaf?: number;
  /** A node with fewer rows than this becomes a leaf (default 2 × minLeaf). */
  readonly minSplit?: number;
  /** Fraction of features tried at each split (random forests use < 1; needs rng). */
  readonly featureFraction?: number;
  readonly rng?: Rng;
}

export class RegressionTree {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly value: number[] = [];
  readonly importance: Float64Array;

  /** columns[f][i]: feature f of sample i. */
  constructor(
    private readonly columns: readonly Float64Array[],
    private readonly y: ArrayLike<number>,
    sampleIndexes: readonly number[],
    private readonly options: TreeOptions = {},
  ) {
    this.importance = new Float64Array(columns.length);
    this.grow(Int32Array.from(sampleIndexes), 0);
    const total = this.importance.reduce((s, v) => s + v, 0);
    if (total > 0) for (let f = 0; f < this.importance.length; f++) this.importance[f] = this.importance[f]! / total;
  }

  predict(row: ArrayLike<number>): number {
    let node = 0;
    while (this.feature[node]! >= 0) node = row[this.feature[node]!]! < this.threshold[node]! ? this.left[node]! : this.right[node]!;
    return this.value[node]!;
  }

  private grow(indexes: Int32Array, depth: number): number {
    const node = this.feature.length;
    let sum = 0;
    for (const i of indexes) sum += this.y[i]!;
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(sum / indexes.length);
    const minLeaf = this.options.minLeaf ?? 2;
    const minSplit = Math.max(this.options.minSplit ?? 0, 2 * minLeaf);
    if (depth >= (this.options.maxDepth ?? 10) || indexes.length < minSplit) return node;
    const split = this.bestSplit(indexes, sum, minLeaf);
    if (!split) return node;
    const column = this.columns[split.feature]!;
    const lower = indexes.filter((i) => column[i]! < split.threshold);
    const upper = indexes.filter((i) => column[i]! >= split.threshold);
    this.importance[split.feature] = this.importance[split.feature]! + split.gain;
    this.feature[node] = split.feature;
    this.threshold[node] = split.threshold;
    this.left[node] = this.grow(lower, depth + 1);
    this.right[node] = this.grow(upper, depth + 1);
    return node;
  }

  private bestSplit(indexes: Int32Array, sum: number, minLeaf: number): { feature: number; threshold: number; gain: number } | undefined {
    const n = indexes.length;
    const base = (sum * sum) / n;
    let best: { feature: number; threshold: number; gain: number } | undefined;
    const sorted = new Int32Array(n);
    for (const f of this.candidateFeatures()) {
      const column = this.columns[f]!;
      sorted.set(indexes);
      sorted.sort((a, b) => column[a]! - column[b]!);
      let leftSum = 0;
      for (let i = 0; i < n - 1; i++) {
        leftSum += this.y[sorted[i]!]!;
        const here = column[sorted[i]!]!;
        const next = column[sorted[i + 1]!]!;
        if (here === next || i + 1 < minLeaf || n - i - 1 < minLeaf) continue;
        const rightSum = sum - leftSum;
        const gain = (leftSum * leftSum) / (i + 1) + (rightSum * rightSum) / (n - i - 1) - base;
        if (gain > 1e-12 * Math.abs(base) && (!best || gain > best.gain)) best = { feature: f, threshold: (here + next) / 2, gain };
      }
    }
    return best;
  }

  private candidateFeatures(): number[] {
    const all = this.columns.map((_, f) => f);
    const fraction = this.options.featureFraction ?? 1;
    if (fraction >= 1 || !this.options.rng) return all;
    const count = Math.max(1, Math.ceil(fraction * all.length));
    return this.options.rng.shuffle(all).slice(0, count);
  }
}

/** Bagged regression trees with a random feature subset at each split (Breiman's random forest). */
export class RandomForest {
  private readonly trees: RegressionTree[] = [];
  readonly importance: Float64Array;

  constructor(
    columns: readonly Float64Array[],
    y: ArrayLike<number>,
    sampleIndexes: readonly number[],
    rng: Rng,
    options: { trees?: number; featureFraction?: number; maxDepth?: number; minLeaf?: number; minSplit?: number } = {},
  ) {
    const trees = options.trees ?? 40;
    const n = sampleIndexes.length;
    this.importance = new Float64Array(columns.length);
    for (let t = 0; t < trees; t++) {
      const bag = Array.from({ length: n }, () => sampleIndexes[rng.int(n)]!);
      const tree = new RegressionTree(columns, y, bag, {
        maxDepth: options.maxDepth ?? 12,
        minLeaf: options.minLeaf ?? 1,
        ...(options.minSplit === undefined ? {} : { minSplit: options.minSplit }),
        featureFraction: options.featureFraction ?? 0.8,
        rng,
      });
      this.trees.push(tree);
      for (let f = 0; f < columns.length; f++) this.importance[f] = this.importance[f]! + tree.importance[f]! / trees;
    }
  }

  predict(row: ArrayLike<number>): number {
    let sum = 0;
    for (const tree of this.trees) sum += tree.predict(row);
    return sum / this.trees.length;
  }

  /** Every tree's prediction for the row: their spread is the forest's uncertainty. */
  predictPerTree(row: ArrayLike<number>): number[] {
    return this.trees.map((tree) => tree.predict(row));
  }
}

/** Column-major copy of row-major features, the layout the trees split on. */
export function featureColumns(rows: readonly (readonly number[])[]): Float64Array[] {
  const width = rows[0]?.length ?? 0;
  return Array.from({ length: width }, (_, f) => Float64Array.from(rows, (row) => row[f]!));
}
