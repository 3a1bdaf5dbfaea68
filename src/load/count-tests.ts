/**
 * Exact and normal-approximation tail probabilities for counts: the binomial tails behind the per-window
 * schedule and latency checks, and the normal tail behind the Cochran–Armitage trend statistic.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13). */
export function logGamma(x: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = coefficients[0]!;
  for (let i = 1; i < coefficients.length; i++) sum += coefficients[i]! / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

function logBinomialPmf(k: number, n: number, p: number): number {
  if (p <= 0) return k === 0 ? 0 : -Infinity;
  if (p >= 1) return k === n ? 0 : -Infinity;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log(1 - p);
}

/** P(X ≤ k) for X ~ Binomial(n, p), summed exactly downwards from k (terms fall off geometrically below the mode). */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let term = Math.exp(logBinomialPmf(k, n, p));
  let total = term;
  const ratio = (1 - p) / p;
  for (let i = k; i > 0; i--) {
    term *= (i / (n - i + 1)) * ratio;
    total += term;
    if (term < total * 1e-15) break;
  }
  return Math.min(1, total);
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  return binomialLowerTail(n - k, n, 1 - p);
}

/** erfc(x) by the continued-fraction-free Chebyshev fit of Numerical Recipes (erfcc; relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const value =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? value : 2 - value;
}

/** P(Z ≥ z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

export interface TrendTest {
  /** The standardised trend statistic: positive when the proportion rises over the groups. */
  readonly z: number;
  /** Two-sided p-value from the normal approximation. */
  readonly pValue: number;
}

/**
 * Cochran–Armitage test for a linear trend in proportions x_i / n_i over ordered groups with scores t_i
 * (Armitage 1955, Biometrics 11:375; Agresti, Categorical Data Analysis, 2nd ed., §5.3.5). Each group's
 * count enters with its own size, so a window holding few requests moves the statistic little.
 */
export function cochranArmitage(counts: readonly { readonly events: number; readonly trials: number }[], scores?: readonly number[]): TrendTest {
  const total = counts.reduce((sum, group) => sum + group.trials, 0);
  const events = counts.reduce((sum, group) => sum + group.events, 0);
  if (total === 0) return { z: 0, pValue: 1 };
  const pooled = events / total;
  const score = (index: number): number => scores?.[index] ?? index;
  let statistic = 0;
  let weighted = 0;
  let weightedSquares = 0;
  counts.forEach((group, index) => {
    const t = score(index);
    statistic += t * (group.events - group.trials * pooled);
    weighted += group.trials * t;
    weightedSquares += group.trials * t * t;
  });
  const variance = pooled * (1 - pooled) * (weightedSquares - (weighted * weighted) / total);
  if (!(variance > 0)) return { z: 0, pValue: 1 };
  const z = statistic / Math.sqrt(variance);
  return { z, pValue: Math.min(1, 2 * normalUpperTail(Math.abs(z))) };
}
