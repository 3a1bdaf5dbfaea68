/**
 * ParEGO-style acquisition (Knowles 2006) on a random-forest surrogate: each pick draws random weights over the
 * objectives, scalarizes the normalized objectives with the augmented Chebyshev function, fits a forest to the
 * scalarized values and takes the candidate with the highest expected improvement. Different weights per pick
 * spread a batch along the front.
 */
import type { Rng } from '../../core/random.js';
import { fitForest } from './surrogate.js';

const AUGMENTATION = 0.05;

/** Indices into `candidates` of `count` picks. Targets are minimization values scaled to [0, 1]. */
export function paregoPicks(
  features: readonly (readonly number[])[],
  targets: readonly (readonly number[])[],
  candidates: readonly (readonly number[])[],
  count: number,
  rng: Rng,
  trees: number,
): number[] {
  const picks: number[] = [];
  const dims = targets[0]?.length ?? 0;
  while (picks.length < count && picks.length < candidates.length) {
    const weights = randomWeights(dims, rng);
    const scalar = targets.map((point) => chebyshev(point, weights));
    const forest = fitForest(features, scalar, { trees, seed: rng.int(2 ** 31) });
    const prediction = forest.predict(candidates);
    const best = Math.min(...scalar);
    let bestIndex = -1;
    let bestValue = -Infinity;
    for (let c = 0; c < candidates.length; c++) {
      if (picks.includes(c)) continue;
      const value = expectedImprovement(prediction.mean[c]!, prediction.std[c]!, best) + rng.next() * 1e-12;
      if (value > bestValue) [bestIndex, bestValue] = [c, value];
    }
    picks.push(bestIndex);
  }
  return picks;
}

function randomWeights(dims: number, rng: Rng): number[] {
  const draws = Array.from({ length: dims }, () => rng.exponential(1));
  const total = draws.reduce((sum, value) => sum + value, 0);
  return draws.map((value) => value / total);
}

function chebyshev(point: readonly number[], weights: readonly number[]): number {
  let max = -Infinity;
  let sum = 0;
  point.forEach((value, j) => {
    max = Math.max(max, weights[j]! * value);
    sum += weights[j]! * value;
  });
  return max + AUGMENTATION * sum;
}

/** Expected improvement below `best` for a normal prediction (minimization). */
export function expectedImprovement(mean: number, std: number, best: number): number {
  if (!(std > 0)) return Math.max(0, best - mean);
  const z = (best - mean) / std;
  return (best - mean) * normalCdf(z) + std * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

function normalCdf(z: number): number {
  // Abramowitz-Stegun 7.1.26 via erf; accurate to ~1e-7, plenty for ranking candidates.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
