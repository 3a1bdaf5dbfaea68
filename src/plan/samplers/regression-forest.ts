/**
 * A small random forest for regression, sized for surrogate modelling of a study (tens to hundreds of rows, a
 * few dozen features): bootstrap samples, CART trees minimizing squared error, a random subset of features tried
 * at every split (as SMAC's forest does). Seeded through servelab's Rng, so a sampler's asks stay reproducible.
 * (ml-random-forest did the same job about 50x slower here, which made replaying studies slow.)
 */
import type { Rng } from '../../core/random.js';

export interface ForestSettings {
  readonly trees: number;
  /** Fraction of the features tried at each split. */
  readonly featureFraction: number;
  /** A node with fewer rows than this becomes a leaf. */
  readonly minSplit: number;
  readonly maxDepth: number;
}

type TreeNode = { readonly leaf: number } | { readonly feature: number; readonly threshold: number; readonly low: TreeNode; readonly high: TreeNode };

export interface RegressionForest {
  /** One prediction per tree for each row: result[row][tree]. */
  predictPerTree(rows: readonly (readonly number[])[]): number[][];
}

export function trainRegressionForest(
  features: readonly (readonly number[])[],
  targets: readonly number[],
  settings: ForestSettings,
  rng: Rng,
): RegressionForest {
  const n = features.length;
  const width = features[0]?.length ?? 0;
  const tried = Math.max(1, Math.ceil(width * settings.featureFraction));
  const trees: TreeNode[] = [];
  for (let t = 0; t < settings.trees; t++) {
    const sample = Array.from({ length: n }, () => rng.int(n));
    trees.push(grow(sample, 0));
  }
  return {
    predictPerTree: (rows) => rows.map((row) => trees.map((tree) => evaluate(tree, row))),
  };

  function grow(rows: number[], depth: number): TreeNode {
    const mean = rows.reduce((sum, row) => sum + targets[row]!, 0) / rows.length;
    if (rows.length < settings.minSplit || depth >= settings.maxDepth) return { leaf: mean };
    const split = bestSplit(rows, rng.shuffle(Array.from({ length: width }, (_, f) => f)).slice(0, tried));
    if (split === undefined) return { leaf: mean };
    const low = rows.filter((row) => features[row]![split.feature]! <= split.threshold);
    const high = rows.filter((row) => features[row]![split.feature]! > split.threshold);
    return { feature: split.feature, threshold: split.threshold, low: grow(low, depth + 1), high: grow(high, depth + 1) };
  }

  function bestSplit(rows: readonly number[], candidates: readonly number[]): { feature: number; threshold: number } | undefined {
    let best: { feature: number; threshold: number } | undefined;
    let bestScore = Infinity;
    let total = 0;
    let totalSquares = 0;
    for (const row of rows) (total += targets[row]!), (totalSquares += targets[row]! ** 2);
    const parentError = totalSquares - (total * total) / rows.length;
    if (parentError <= 1e-12) return undefined;
    for (const feature of candidates) {
      const sorted = [...rows].sort((a, b) => features[a]![feature]! - features[b]![feature]!);
      let leftSum = 0;
      let leftSquares = 0;
      for (let i = 0; i < sorted.length - 1; i++) {
        const y = targets[sorted[i]!]!;
        leftSum += y;
        leftSquares += y * y;
        const here = features[sorted[i]!]![feature]!;
        const next = features[sorted[i + 1]!]![feature]!;
        if (here === next) continue;
        const leftCount = i + 1;
        const rightCount = sorted.length - leftCount;
        const rightSum = total - leftSum;
        const error = leftSquares - (leftSum * leftSum) / leftCount + (totalSquares - leftSquares) - (rightSum * rightSum) / rightCount;
        if (error < bestScore - 1e-12) [bestScore, best] = [error, { feature, threshold: (here + next) / 2 }];
      }
    }
    return best !== undefined && bestScore < parentError - 1e-12 ? best : undefined;
  }
}

function evaluate(node: TreeNode, row: readonly number[]): number {
  let current = node;
  while (!('leaf' in current)) current = row[current.feature]! <= current.threshold ? current.low : current.high;
  return current.leaf;
}
