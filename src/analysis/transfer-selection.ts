/** Picking the best configuration from means, the regret of one pick in the target, and the target's noise model. */

export interface Regret {
  readonly absolute: number;
  readonly percent: number;
}

/** Target-side noise model over the common configurations: the scale tests run on and the pooled spread there. */
export interface TargetNoise {
  readonly log: boolean;
  readonly pooledSd: number;
  readonly df: number;
  /** One-sided critical t for the Bonferroni-corrected comparisons with every other configuration. */
  readonly critical: number;
}

export function meanOf(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** The first index with the best mean (ties go to the lower configuration index, as the common list is sorted). */
export function bestIndex(means: ArrayLike<number>, sign: number): number {
  let best = 0;
  for (let i = 1; i < means.length; i++) if (sign * means[i]! < sign * means[best]!) best = i;
  return best;
}

export function regretOf(targetMeans: ArrayLike<number>, s: number, t: number, sign: number): Regret {
  if (s === t) return { absolute: 0, percent: 0 };
  const absolute = sign * (targetMeans[s]! - targetMeans[t]!);
  return { absolute, percent: (100 * absolute) / Math.abs(targetMeans[t]!) };
}
