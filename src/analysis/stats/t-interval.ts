/** Student t intervals for a mean and Welch intervals for a difference of two means. */
import { tQuantileTwoSided } from './distributions.js';

const quantiles = new Map<string, number>();
function tQuantile(level: number, df: number): number {
  const key = `${level}:${df}`;
  const cached = quantiles.get(key) ?? tQuantileTwoSided(level, df);
  quantiles.set(key, cached);
  return cached;
}

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const n = values.length;
  const mean = values.reduce((sum, x) => sum + x, 0) / n;
  const variance = n > 1 ? values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1) : Number.NaN;
  return { mean, variance };
}

/** Half-width of the t interval of the mean; 0 for fewer than two values. */
export function tHalfWidth(values: readonly number[], level = 0.95): number {
  const n = values.length;
  if (n < 2) return 0;
  return tQuantile(level, n - 1) * Math.sqrt(meanAndVariance(values).variance / n);
}

/** The t interval of the mean, or undefined for fewer than two values. */
export function meanTInterval(values: readonly number[], level = 0.95): [number, number] | undefined {
  if (values.length < 2) return undefined;
  const { mean } = meanAndVariance(values);
  const half = tHalfWidth(values, level);
  return [mean - half, mean + half];
}

/** Welch interval of mean(b) − mean(a) (Welch–Satterthwaite degrees of freedom); undefined below two values a side. */
export function welchDifferenceInterval(a: readonly number[], b: readonly number[], level = 0.95): [number, number] | undefined {
  if (a.length < 2 || b.length < 2) return undefined;
  const x = meanAndVariance(a);
  const y = meanAndVariance(b);
  const va = x.variance / a.length;
  const vb = y.variance / b.length;
  const difference = y.mean - x.mean;
  if (va + vb === 0) return [difference, difference];
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const half = tQuantile(level, df) * Math.sqrt(va + vb);
  return [difference - half, difference + half];
}
