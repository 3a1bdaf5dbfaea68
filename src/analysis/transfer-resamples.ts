/**
 * Per environment and metric, what the regret test and its bootstrap need of every configuration, computed once
 * and shared by every pair the environment is in (an environment is in 2·(E−1) ordered pairs per metric):
 * repetition moments on the raw and log scale, the range any resampled mean can take, and the resampled means
 * themselves, drawn on first use (one bootstrap of the whole study). Arrays are indexed by configuration index.
 */
import type { Rng } from '../core/random.js';
import type { ConfigGroup } from './prepare.js';
import { meanOf } from './transfer-selection.js';

export interface Resampled {
  readonly raw: Float64Array;
  /** Means of the logarithms from the same draws; NaN where a value is not positive. */
  readonly log: Float64Array;
}

export class EnvironmentResamples {
  readonly counts: Float64Array;
  readonly rawSs: Float64Array;
  /** 1 where every repetition is positive (the log scale exists), else 0. */
  readonly positive: Uint8Array;
  readonly logMeans: Float64Array;
  readonly logSs: Float64Array;
  /** Lowest and highest mean a resample can give: the mean plus the smallest and largest inflated residual. */
  readonly rangeLow: Float64Array;
  readonly rangeHigh: Float64Array;
  private readonly drawn = new Map<number, Resampled>();

  constructor(
    private readonly groups: ReadonlyMap<number, ConfigGroup>,
    private readonly metricIndex: number,
    configurations: number,
    private readonly resamples: number,
    private readonly rng: Rng,
  ) {
    this.counts = new Float64Array(configurations);
    this.rawSs = new Float64Array(configurations);
    this.positive = new Uint8Array(configurations);
    this.logMeans = new Float64Array(configurations).fill(Number.NaN);
    this.logSs = new Float64Array(configurations).fill(Number.NaN);
    this.rangeLow = new Float64Array(configurations).fill(Number.NaN);
    this.rangeHigh = new Float64Array(configurations).fill(Number.NaN);
    for (const [c, group] of groups) {
      const values = group.values[metricIndex]!;
      const raw = inflated(values);
      this.counts[c] = values.length;
      this.rawSs[c] = sumOfSquares(values, raw.mean);
      let low = 0;
      let high = 0;
      for (const residual of raw.residuals) {
        low = Math.min(low, residual);
        high = Math.max(high, residual);
      }
      this.rangeLow[c] = raw.mean + low;
      this.rangeHigh[c] = raw.mean + high;
      if (values.every((v) => v > 0)) {
        const logs = values.map(Math.log);
        this.positive[c] = 1;
        this.logMeans[c] = meanOf(logs);
        this.logSs[c] = sumOfSquares(logs, this.logMeans[c]!);
      }
    }
  }

  /** Resampled means of configuration c (raw and log scale from the same draws), drawn on first use. */
  means(c: number): Resampled {
    const cached = this.drawn.get(c);
    if (cached) return cached;
    const values = this.groups.get(c)!.values[this.metricIndex]!;
    const raw = inflated(values);
    const log = this.positive[c] ? inflated(values.map(Math.log)) : undefined;
    const out = { raw: new Float64Array(this.resamples), log: new Float64Array(this.resamples).fill(Number.NaN) };
    const n = values.length;
    for (let r = 0; r < this.resamples; r++) {
      let sumRaw = 0;
      let sumLog = 0;
      for (let i = 0; i < n; i++) {
        const j = this.rng.int(n);
        sumRaw += raw.residuals[j]!;
        if (log) sumLog += log.residuals[j]!;
      }
      out.raw[r] = raw.mean + sumRaw / n;
      if (log) out.log[r] = log.mean + sumLog / n;
    }
    this.drawn.set(c, out);
    return out;
  }
}

/** One bootstrap for the whole study: one EnvironmentResamples per environment and metric, built on first use. */
export class StudyResamples {
  private readonly environments = new Map<string, EnvironmentResamples>();

  constructor(readonly resamples: number, private readonly configurations: number, private readonly rng: Rng) {}

  of(environment: string, groups: ReadonlyMap<number, ConfigGroup>, metricIndex: number): EnvironmentResamples {
    const key = `${environment}\u0000${metricIndex}`;
    const cached = this.environments.get(key) ?? new EnvironmentResamples(groups, metricIndex, this.configurations, this.resamples, this.rng);
    this.environments.set(key, cached);
    return cached;
  }
}

function sumOfSquares(values: readonly number[], mean: number): number {
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  return sum;
}

/** The mean and the residuals scaled by √(n/(n−1)): their bootstrap variance then matches s²/n rather than (n−1)s²/n². */
function inflated(values: readonly number[]): { mean: number; residuals: Float64Array } {
  const mean = meanOf(values);
  const n = values.length;
  const inflation = n >= 2 ? Math.sqrt(n / (n - 1)) : 0;
  return { mean, residuals: Float64Array.from(values, (v) => inflation * (v - mean)) };
}
