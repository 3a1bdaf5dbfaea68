/**
 * Percentile-bootstrap confidence intervals, seeded so every run of an analysis gives the same intervals.
 * Large samples use the normal interval instead: above NORMAL_INTERVAL_ABOVE values the bootstrap distribution
 * of a mean is normal to within Monte Carlo error, and resampling 100,000 values hundreds of times would cost
 * seconds for nothing.
 */
import type { Rng } from '../../core/random.js';
import { normalQuantile } from './distributions.js';

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export const DEFAULT_RESAMPLES = 1000;
export const NORMAL_INTERVAL_ABOVE = 2000;

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

export function variance(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return 0;
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (values[i]! - m) ** 2;
  return sum / (n - 1);
}

/** Linear-interpolation quantile (type 7) of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = (n - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(n - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q);
}

/** Percentile-bootstrap interval of any statistic of one sample. */
export function bootstrapInterval(
  values: readonly number[],
  statistic: (sample: Float64Array) => number,
  rng: Rng,
  options: { resamples?: number; level?: number } = {},
): Interval {
  const n = values.length;
  if (n === 0) return { low: Number.NaN, high: Number.NaN };
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const level = options.level ?? 0.95;
  const sample = new Float64Array(n);
  const estimates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) sample[i] = values[rng.int(n)]!;
    estimates[r] = statistic(sample);
  }
  estimates.sort();
  return { low: quantileSorted(estimates, (1 - level) / 2), high: quantileSorted(estimates, (1 + level) / 2) };
}

/** Interval of a mean: bootstrap for small samples, the normal interval for large ones. */
export function meanInterval(values: readonly number[], rng: Rng, level = 0.95): Interval {
  if (values.length > NORMAL_INTERVAL_ABOVE) {
    const halfWidth = normalQuantile(0.5 + level / 2) * Math.sqrt(variance(values) / values.length);
    const m = mean(values);
    return { low: m - halfWidth, high: m + halfWidth };
  }
  return bootstrapInterval(values, mean, rng, { level });
}

/** Interval of a percentile (q in [0, 1]) of one sample. */
export function percentileInterval(values: readonly number[], q: number, rng: Rng, level = 0.95): Interval {
  return bootstrapInterval(values, (sample) => quantileSorted(sample.sort(), q), rng, { level });
}

/**
 * Interval of a difference of statistics of two independent samples, a − b, each resampled on its own.
 * With large samples and the mean, the normal (Welch) interval is used, as for meanInterval.
 */
export function differenceInterval(
  a: readonly number[],
  b: readonly number[],
  rng: Rng,
  options: { statistic?: (sample: Float64Array) => number; resamples?: number; level?: number } = {},
): Interval {
  const level = options.level ?? 0.95;
  if (a.length === 0 || b.length === 0) return { low: Number.NaN, high: Number.NaN };
  if (!options.statistic && a.length + b.length > NORMAL_INTERVAL_ABOVE) {
    const difference = mean(a) - mean(b);
    const halfWidth = normalQuantile(0.5 + level / 2) * Math.sqrt(variance(a) / a.length + variance(b) / b.length);
    return { low: difference - halfWidth, high: difference + halfWidth };
  }
  const statistic = options.statistic ?? mean;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const sampleA = new Float64Array(a.length);
  const sampleB = new Float64Array(b.length);
  const estimates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < a.length; i++) sampleA[i] = a[rng.int(a.length)]!;
    for (let i = 0; i < b.length; i++) sampleB[i] = b[rng.int(b.length)]!;
    estimates[r] = statistic(sampleA) - statistic(sampleB);
  }
  estimates.sort();
  return { low: quantileSorted(estimates, (1 - level) / 2), high: quantileSorted(estimates, (1 + level) / 2) };
}

