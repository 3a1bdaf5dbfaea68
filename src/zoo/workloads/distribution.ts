import type { Distribution } from './types.js';

/** Nearest-rank percentiles of a non-empty list of values. */
export function distributionOf(values: ArrayLike<number>): Distribution {
  if (values.length === 0) throw new Error('distributionOf needs at least one value');
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  let sum = 0;
  for (const value of sorted) sum += value;
  return { min: sorted[0]!, p50: rank(0.5), p90: rank(0.9), max: sorted[sorted.length - 1]!, mean: sum / sorted.length };
}
