/**
 * How many requests a percentile needs before it can be reported, by MLPerf LoadGen's early-stopping rule
 * (confidence 0.99, one over-latency query tolerated): the smallest n = h + 1 with I_p(h, 2) <= 0.01, where
 * I is the regularized incomplete beta function. For p99 this gives 662 and for p90 64, LoadGen's figures.
 */

const CONFIDENCE = 0.99;

/** I_x(h, 2) = x^h · (h + 1 − h·x): the chance that at least h of h + 1 requests fall under the x-quantile. */
function betaRegularizedTwo(x: number, h: number): number {
  return Math.pow(x, h) * (h + 1 - h * x);
}

const cache = new Map<number, number>();

/** Minimum requests to report the given percentile (e.g. 99 for p99). */
export function minimumSamplesFor(percentile: number): number {
  const cached = cache.get(percentile);
  if (cached !== undefined) return cached;
  const x = percentile / 100;
  let h = 1;
  while (betaRegularizedTwo(x, h) > 1 - CONFIDENCE && h < 100_000_000) h++;
  cache.set(percentile, h + 1);
  return h + 1;
}

export const REPORTED_PERCENTILES = { p50: 50, p90: 90, p95: 95, p99: 99, p999: 99.9 } as const;
export type PercentileName = keyof typeof REPORTED_PERCENTILES;

export interface PercentileSupport {
  readonly required: number;
  readonly samples: number;
  /** False when too few requests back the value: read it as indicative only. */
  readonly supported: boolean;
}

export function percentileSupport(samples: number): Record<PercentileName, PercentileSupport> {
  const entries = Object.entries(REPORTED_PERCENTILES).map(([name, percentile]) => {
    const required = minimumSamplesFor(percentile);
    return [name, { required, samples, supported: samples >= required }];
  });
  return Object.fromEntries(entries) as Record<PercentileName, PercentileSupport>;
}
