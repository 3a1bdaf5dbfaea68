/**
 * Is an open-loop run's latency the same from its first window to its last? Judged with trend tests whose
 * noise allowance comes from how many requests each window holds (a window of 64 requests is not held to
 * the precision of one of 6,400) and from how much the windows actually vary:
 *
 * - typical latency: the mean of log latency per window, its trend over the windows by weighted least
 *   squares (weights = requests per window; count-tests.ts meanTrend);
 * - the tail: for the pooled p90 and p99 (each where at least 10 requests lie above it), the share of each
 *   window's requests above that pooled value, tested for a linear trend (Cochran–Armitage, the ordinal form
 *   of Mood's quantile test: under a steady distribution every window's share above the pooled pX is 1 − X,
 *   whatever its size; count-tests.ts cochranArmitage).
 *
 * Requests served by a queue are correlated (a burst of arrivals slows all of them), so both tests scale
 * their variance by the dispersion measured around the fitted line and read t on k − 2 degrees of freedom;
 * without that, a steady FIFO server at 70% utilisation was called unstable in half of the simulated runs.
 * Two tests for a single slow window (a stall mid-run, which a linear trend misses) were tried and dropped:
 * window p90 against a binomial interval (25–99% false alarms behind a simulated FIFO queue at utilisation
 * 0.4–0.85), and each window's mean log latency against the other windows' own scatter (3–10%): window means
 * behind a queue are too skewed for either. A stall still raises the run's p99 and, near the end, the trend.
 *
 * Significance alone would call a 1% drift over 300,000 requests unstable, so a finding must also be
 * material, beyond perf_analyzer's 10% stability tolerance: for the typical latency, the fitted line's change
 * from the first window to the last (exp(slope × (windows − 1)) − 1); for a tail quantile, the change of that
 * quantile from the first half of the run to the second. The false-alarm rate is held at 1% (Bonferroni: half for the
 * typical latency, half shared by the tail quantiles tested).
 */
import { cochranArmitage, meanTrend, type GroupMoments, type TrendTest } from './count-tests.js';
import { createHistogram, type Histogram } from './histogram.js';

export const DRIFT_FAMILY_ALPHA = 0.01;
/** perf_analyzer's --stability-percentage: smaller changes are not worth calling unstable. */
export const MATERIAL_CHANGE = 0.1;
export const TAIL_QUANTILES = [90, 99] as const;
/** Requests needed above a pooled quantile for its trend test. */
const MIN_ABOVE = 10;

export interface QuantileDrift {
  /** 50 stands for the typical latency (mean log latency); 90 and 99 for the tail quantiles. */
  readonly percentile: number;
  readonly test: 'mean-log-latency' | 'share-above-pooled-quantile';
  readonly firstHalfMs: number;
  readonly secondHalfMs: number;
  /** The change judged for materiality: fitted over the run (typical latency) or second half / first half − 1 (tail). */
  readonly change: number;
  readonly z: number;
  readonly t: number;
  readonly dispersion: number;
  readonly pValue: number;
  readonly alpha: number;
  readonly drifts: boolean;
}

export interface LatencyDrift {
  readonly quantiles: readonly QuantileDrift[];
  readonly reasons: readonly string[];
}

/** The index-level view of the JS HDR histograms servelab builds; the public Histogram interface hides it. */
interface IndexedHistogram {
  readonly maxValue: number;
  countsArrayIndex(valueUs: number): number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
}

/** Counts above thresholds and log-latency moments of one histogram, read from its bucket counts. */
export class RecordedCounts {
  readonly total: number;
  readonly #histogram: IndexedHistogram;

  constructor(histogram: Histogram) {
    const indexed = histogram as unknown as Partial<IndexedHistogram>;
    if (typeof indexed.countsArrayIndex !== 'function' || typeof indexed.getCountAtIndex !== 'function' || typeof indexed.valueFromIndex !== 'function') {
      throw new Error('RecordedCounts needs a JS HDR histogram (countsArrayIndex, getCountAtIndex, valueFromIndex)');
    }
    this.#histogram = indexed as IndexedHistogram;
    this.total = histogram.totalCount;
  }

  /** Requests recorded above a value (µs): the value's bucket and those below it hold the rest. */
  above(valueUs: number): number {
    if (this.total === 0) return 0;
    const last = this.#histogram.countsArrayIndex(valueUs);
    let atOrBelow = 0;
    for (let index = 0; index <= last && atOrBelow < this.total; index++) atOrBelow += this.#histogram.getCountAtIndex(index) || 0;
    return this.total - atOrBelow;
  }

  /** Mean and variance of ln(latency in µs), each bucket at its lower value (1 µs at least). */
  logMoments(): GroupMoments {
    if (this.total === 0) return { count: 0, mean: 0, variance: 0 };
    let seen = 0;
    let sum = 0;
    let squares = 0;
    for (let index = 0; seen < this.total; index++) {
      const count = this.#histogram.getCountAtIndex(index) || 0;
      if (count === 0) continue;
      const log = Math.log(Math.max(1, this.#histogram.valueFromIndex(index)));
      seen += count;
      sum += count * log;
      squares += count * log * log;
    }
    const mean = sum / this.total;
    return { count: this.total, mean, variance: this.total > 1 ? Math.max(0, (squares - this.total * mean * mean) / (this.total - 1)) : 0 };
  }
}

function merged(histograms: readonly Histogram[]): Histogram {
  const result = createHistogram();
  for (const histogram of histograms) result.add(histogram);
  return result;
}

const toMs = (us: number): number => us / 1000;

/** Latency drift over per-window latency histograms (by completion time), in time order. */
export function judgeLatencyDrift(windows: readonly Histogram[]): LatencyDrift {
  const pooled = merged(windows);
  const total = pooled.totalCount;
  const half = Math.floor(windows.length / 2);
  const first = merged(windows.slice(0, half));
  const second = merged(windows.slice(windows.length - half));
  const recorded = windows.map((window) => new RecordedCounts(window));
  const tails = TAIL_QUANTILES.filter((percentile) => total * (1 - percentile / 100) >= MIN_ABOVE);
  const halves = (percentile: number) => {
    const firstHalfMs = toMs(first.getValueAtPercentile(percentile));
    const secondHalfMs = toMs(second.getValueAtPercentile(percentile));
    const change = firstHalfMs > 0 ? secondHalfMs / firstHalfMs - 1 : secondHalfMs > 0 ? Infinity : 0;
    return { firstHalfMs, secondHalfMs, change };
  };
  const judged = (percentile: number, test: QuantileDrift['test'], trend: TrendTest, alpha: number): QuantileDrift => {
    const { firstHalfMs, secondHalfMs, change: halvesChange } = halves(percentile);
    const change = test === 'mean-log-latency' ? Math.exp(trend.slope * (windows.length - 1)) - 1 : halvesChange;
    const drifts = trend.pValue <= alpha && Math.abs(change) > MATERIAL_CHANGE && Math.sign(change) === Math.sign(trend.t);
    return { percentile, test, firstHalfMs, secondHalfMs, change, z: trend.z, t: trend.t, dispersion: trend.dispersion, pValue: trend.pValue, alpha, drifts };
  };
  const quantiles: QuantileDrift[] = [judged(50, 'mean-log-latency', meanTrend(recorded.map((window) => window.logMoments())), DRIFT_FAMILY_ALPHA / 2)];
  for (const percentile of tails) {
    const thresholdUs = pooled.getValueAtPercentile(percentile);
    const trend = cochranArmitage(recorded.map((window) => ({ events: window.above(thresholdUs), trials: window.total })));
    quantiles.push(judged(percentile, 'share-above-pooled-quantile', trend, DRIFT_FAMILY_ALPHA / 2 / tails.length));
  }
  const reasons = quantiles
    .filter((quantile) => quantile.drifts)
    .map(
      (quantile) =>
        `${quantile.test === 'mean-log-latency' ? 'typical' : `p${quantile.percentile}`} latency drifts ${quantile.change > 0 ? '+' : ''}${(quantile.change * 100).toFixed(0)}% ` +
        `${quantile.test === 'mean-log-latency' ? 'from the first window to the last (fitted)' : 'from the first half to the second'} ` +
        `(p${quantile.percentile} ${quantile.firstHalfMs.toFixed(2)} → ${quantile.secondHalfMs.toFixed(2)} ms); trend across ${windows.length} windows t = ${quantile.t.toFixed(2)} ` +
        `(dispersion ${quantile.dispersion.toFixed(1)}), p = ${quantile.pValue.toExponential(1)} ≤ ${quantile.alpha.toPrecision(2)}`,
    );
  return { quantiles, reasons };
}
