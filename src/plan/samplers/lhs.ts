/**
 * Latin hypercube over discrete levels: for n samples, each knob's column is a balanced stratification (with
 * n >= L levels every level appears floor(n/L) or ceil(n/L) times; with n < L each sample falls in its own
 * stratum of L/n consecutive levels), the columns independently permuted. Duplicate rows are repaired by
 * swapping values within a column (which keeps every column's stratification), and the best of a few
 * candidate designs by maximin distance is kept.
 */
import type { Rng } from '../../core/random.js';
import { configurationKey, spaceSize, type Configuration, type DesignSpace } from '../../core/space.js';
import { configurationFromIndices } from '../design-space.js';
import { planSampler, type Sampler, samplerRng } from './sampler.js';

const CANDIDATE_DESIGNS = 8;

/** Level indices for n samples of one knob with `levelCount` levels, in stratum order. */
export function stratifiedColumn(n: number, levelCount: number, rng: Rng): number[] {
  if (n >= levelCount) {
    // One shared offset u in [0, 1): level j gets the strata s with j <= (s + u) L / n < j + 1, n/L of them.
    const offset = rng.next();
    return Array.from({ length: n }, (_, s) => Math.min(levelCount - 1, Math.floor(((s + offset) * levelCount) / n)));
  }
  return Array.from({ length: n }, (_, s) => {
    // Stratum s holds the levels j with floor(j n / L) = s: at least one, since L > n.
    const from = Math.ceil((s * levelCount) / n);
    const to = Math.ceil(((s + 1) * levelCount) / n);
    return from + rng.int(Math.max(1, to - from));
  });
}

/** An n-row design of level indices (rows = samples, columns = knobs). */
export function latinHypercubeIndices(space: DesignSpace, n: number, rng: Rng): number[][] {
  const columns = space.knobs.map((knob) => rng.shuffle(stratifiedColumn(n, knob.levels.length, rng)));
  const rows = Array.from({ length: n }, (_, i) => columns.map((column) => column[i]!));
  repairDuplicates(rows, space, rng);
  return rows;
}

function repairDuplicates(rows: number[][], space: DesignSpace, rng: Rng): void {
  const unique = Math.min(rows.length, spaceSize(space));
  for (let attempt = 0; attempt < 50 * rows.length; attempt++) {
    const seen = new Map<string, number>();
    let duplicate = -1;
    rows.forEach((row, i) => {
      const key = row.join(',');
      if (seen.has(key)) duplicate = i;
      else seen.set(key, i);
    });
    if (duplicate < 0 || seen.size >= unique) return;
    const column = rng.int(space.knobs.length);
    const other = rng.int(rows.length);
    const a = rows[duplicate]!;
    const b = rows[other]!;
    [a[column], b[column]] = [b[column]!, a[column]!];
  }
}

function minPairDistance(rows: readonly (readonly number[])[], space: DesignSpace): number {
  let best = Infinity;
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      let distance = 0;
      space.knobs.forEach((knob, k) => {
        const span = Math.max(1, knob.levels.length - 1);
        distance += ((rows[i]![k]! - rows[j]![k]!) / span) ** 2;
      });
      best = Math.min(best, distance);
    }
  }
  return best;
}

/** n distinct configurations (fewer if the space is smaller), in random run order. */
export function latinHypercubePlan(space: DesignSpace, n: number, seed: number, stream = 'lhs'): Configuration[] {
  const rng = samplerRng(seed, stream);
  let best: number[][] = [];
  let bestScore = -Infinity;
  const tries = n <= 200 ? CANDIDATE_DESIGNS : 1;
  for (let t = 0; t < tries; t++) {
    const rows = latinHypercubeIndices(space, n, rng);
    const distinct = new Set(rows.map((row) => row.join(','))).size;
    const score = distinct * 1e6 + minPairDistance(rows, space);
    if (score > bestScore) [best, bestScore] = [rows, score];
  }
  const seen = new Set<string>();
  const plan: Configuration[] = [];
  for (const row of best) {
    const configuration = configurationFromIndices(space, row);
    const key = configurationKey(configuration);
    if (!seen.has(key)) plan.push(configuration);
    seen.add(key);
  }
  return plan;
}

export function createLatinHypercubeSampler(space: DesignSpace, seed: number, budget: number): Sampler {
  return planSampler('lhs', latinHypercubePlan(space, budget, seed));
}
