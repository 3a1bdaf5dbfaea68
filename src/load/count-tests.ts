/**
 * Exact and normal-approximation tail probabilities for counts: the binomial tails behind the per-window
 * schedule and latency checks, and the normal tail behind the Cochran–Armitage trend statistic. The gamma and
 * beta functions are the analysis' own (one implementation, checked against scipy there).
 */
import { lnGamma, tTwoSidedP } from '../analysis/stats/distributions.js';

function logBinomialPmf(k: number, n: number, p: number): number {
  if (p <= 0) return k === 0 ? 0 : -Infinity;
  if (p >= 1) return k === n ? 0 : -Infinity;
  return lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log(1 - p);
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
  /** The Cochran–Armitage statistic under binomial variance: positive when the proportion rises over the groups. */
  readonly z: number;
  /** Pearson X² / (groups − 2) around the fitted trend, at least 1: how much more the groups vary than binomial counts. */
  readonly dispersion: number;
  /** z / sqrt(dispersion), read against Student's t with groups − 2 degrees of freedom. */
  readonly t: number;
  /** Two-sided p-value of t. */
  readonly pValue: number;
  /** Fitted change per group (a proportion for Cochran–Armitage, the mean's unit for meanTrend). */
  readonly slope: number;
}

/**
 * Cochran–Armitage test for a linear trend in proportions x_i / n_i over ordered groups with scores t_i
 * (Armitage 1955, Biometrics 11:375; Agresti, Categorical Data Analysis, 2nd ed., §5.3.5): each group's count
 * enters with its own size. Requests served by a queue are not independent (a burst of arrivals slows all
 * of them), so the groups vary more than binomial counts do; the statistic is scaled by the dispersion that
 * Pearson's X² around the fitted line estimates and read against t with k − 2 degrees of freedom, the
 * quasi-binomial correction of McCullagh & Nelder, Generalized Linear Models, 2nd ed., §4.5.
 */
export function cochranArmitage(counts: readonly { readonly events: number; readonly trials: number }[], scores?: readonly number[]): TrendTest {
  const flat = { z: 0, dispersion: 1, t: 0, pValue: 1, slope: 0 };
  const total = counts.reduce((sum, group) => sum + group.trials, 0);
  const events = counts.reduce((sum, group) => sum + group.events, 0);
  if (total === 0 || counts.length < 3) return flat;
  const pooled = events / total;
  const score = (index: number): number => scores?.[index] ?? index;
  const meanScore = counts.reduce((sum, group, index) => sum + group.trials * score(index), 0) / total;
  let statistic = 0;
  let spread = 0;
  counts.forEach((group, index) => {
    const centred = score(index) - meanScore;
    statistic += centred * (group.events - group.trials * pooled);
    spread += group.trials * centred * centred;
  });
  const variance = pooled * (1 - pooled) * spread;
  if (!(variance > 0)) return flat;
  const z = statistic / Math.sqrt(variance);
  const slope = statistic / spread;
  let pearson = 0;
  counts.forEach((group, index) => {
    if (group.trials === 0) return;
    const fitted = Math.min(1 - 1e-9, Math.max(1e-9, pooled + slope * (score(index) - meanScore)));
    pearson += (group.events - group.trials * fitted) ** 2 / (group.trials * fitted * (1 - fitted));
  });
  const degreesOfFreedom = counts.filter((group) => group.trials > 0).length - 2;
  if (degreesOfFreedom < 1) return flat;
  const dispersion = Math.max(1, pearson / degreesOfFreedom);
  const t = z / Math.sqrt(dispersion);
  return { z, dispersion, t, pValue: tTwoSidedP(t, degreesOfFreedom), slope };
}

export interface GroupMoments {
  readonly count: number;
  readonly mean: number;
  /** Variance within the group. */
  readonly variance: number;
}

/**
 * Trend of group means over ordered groups (scores 0, 1, …): the weighted least-squares slope with weights
 * n_i, tested with t on k − 2 degrees of freedom. Var(mean_i) is taken as σ²/n_i with σ² the larger of the
 * pooled within-group variance and the weighted residual variance around the line, so groups that vary more
 * than their sizes explain (correlated requests in a queue) widen the test instead of triggering it (weighted
 * least squares: Draper & Smith, Applied Regression Analysis, 3rd ed., §9.2; the floor is the quasi-likelihood
 * dispersion ≥ 1 of McCullagh & Nelder, §4.5).
 */
export function meanTrend(groups: readonly GroupMoments[]): TrendTest {
  const flat = { z: 0, dispersion: 1, t: 0, pValue: 1, slope: 0 };
  const used = groups.map((group, index) => ({ ...group, score: index })).filter((group) => group.count > 0);
  const total = used.reduce((sum, group) => sum + group.count, 0);
  const degreesOfFreedom = used.length - 2;
  if (degreesOfFreedom < 1 || total <= used.length) return flat;
  const meanScore = used.reduce((sum, group) => sum + group.count * group.score, 0) / total;
  const grandMean = used.reduce((sum, group) => sum + group.count * group.mean, 0) / total;
  const spread = used.reduce((sum, group) => sum + group.count * (group.score - meanScore) ** 2, 0);
  const slope = used.reduce((sum, group) => sum + group.count * (group.score - meanScore) * (group.mean - grandMean), 0) / spread;
  const residual = used.reduce((sum, group) => sum + group.count * (group.mean - grandMean - slope * (group.score - meanScore)) ** 2, 0) / degreesOfFreedom;
  const within = used.reduce((sum, group) => sum + (group.count - 1) * group.variance, 0) / (total - used.length);
  if (!(within > 0)) return flat;
  const dispersion = Math.max(1, residual / within);
  const z = slope / Math.sqrt(within / spread);
  const t = z / Math.sqrt(dispersion);
  return { z, dispersion, t, pValue: tTwoSidedP(t, degreesOfFreedom), slope };
}
