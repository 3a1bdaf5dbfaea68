/**
 * Random-forest surrogate of one objective: bagged regression trees with random feature subsets per split; the mean of the trees'
 * predictions is the estimate and their spread the uncertainty that the acquisition trades against it.
 */
import { createRng } from '../../core/random.js';
import { RandomForest, featureColumns } from '../../core/regression-tree.js';

const FOREST = { featureFraction: 5 / 6, minSplit: 3, minLeaf: 1, maxDepth: 20 } as const;

export interface SurrogatePrediction {
  readonly mean: number[];
  readonly std: number[];
}

export interface Surrogate {
  predict(features: readonly (readonly number[])[]): SurrogatePrediction;
}

export interface ForestOptions {
  readonly trees: number;
  readonly seed: number;
}

export function fitForest(features: readonly (readonly number[])[], targets: readonly number[], options: ForestOptions): Surrogate {
  const width = features[0]?.length ?? 0;
  const spread = Math.max(...targets) - Math.min(...targets);
  if (width === 0 || targets.length < 3 || !(spread > 0)) {
    // Nothing to learn from yet: predict the mean with the observed spread as uncertainty.
    const mean = targets.reduce((sum, value) => sum + value, 0) / Math.max(1, targets.length);
    return { predict: (rows) => ({ mean: rows.map(() => mean), std: rows.map(() => spread || 1) }) };
  }
  const rows = targets.map((_, i) => i);
  const forest = new RandomForest(featureColumns(features), targets, rows, createRng(options.seed, 'surrogate-forest'), { ...FOREST, trees: options.trees });
  return {
    predict(rows) {
      if (rows.length === 0) return { mean: [], std: [] };
      const mean: number[] = [];
      const std: number[] = [];
      for (const values of rows.map((row) => forest.predictPerTree(row))) {
        const m = values.reduce((sum, value) => sum + value, 0) / values.length;
        const variance = values.reduce((sum, value) => sum + (value - m) ** 2, 0) / values.length;
        mean.push(m);
        std.push(Math.sqrt(variance));
      }
      return { mean, std };
    },
  };
}
