/**
 * Is an open-loop run's latency the same from its first window to its last? Judged with tests whose noise
 * allowance comes from how many requests each window holds, so a window of 64 requests is not held to the
 * precision of one holding 6,400:
 *
 * - drift: for the pooled p50, p90 and p99 (each where the run holds at least 10 requests above and below
 *   it), count per window the requests above that pooled value and test the proportions for a linear trend
 *   over the windows (Cochran–Armitage; Agresti, Categorical Data Analysis, 2nd ed., §5.3.5). This is the
 *   quantile ("median") test of Mood (1950) made ordinal: under a steady latency distribution every window's
 *   share above the pooled pX is (1 − X) whatever its size.
 * - a window out of line: a window whose count above the pooled p90 exceeds what Binomial(n_w, 0.1) allows
 *   (exact upper tail) — a stall in the middle of a run that a linear trend may miss.
 *
 * Significance alone would call a 1% drift over 300,000 requests unstable, so a finding also has to be
 * material: the quantile of the second half (resp. the window) differs from the first half (resp. the pool)
 * by more than perf_analyzer's 10% stability tolerance. The family-wise false-alarm rate is kept at 1% with
 * Bonferroni splits. Requests are treated as independent: a queue that correlates neighbouring latencies
 * makes the tests somewhat liberal (measured on a simulated FIFO queue in test/load/validity.test.ts).
 */
import type { Histogram } from './histogram.js';
import { binomialUpperTail, cochranArmitage } from './count-tests.js';
import { createHistogram } from './histogram.js';

export const DRIFT_FAMILY_ALPHA = 0.01;
/** perf_analyzer's --stability-percentage: smaller changes are not worth calling unstable. */
export const MATERIAL_CHANGE = 0.1;
export const DRIFT_QUANTILES = [50, 90, 99] as const;
const OUTLIER_QUANTILE = 90;
/** Requests needed on each side of a pooled quantile for the normal approximation of the trend test. */
const MIN_EACH_SIDE = 10;

export interface QuantileDrift {
  readonly percentile: number;
  readonly firstHalfMs: number;
  readonly secondHalfMs: number;
  /** secondHalf / firstHalf − 1. */
  readonly change: number;
  readonly z: number;
  readonly pValue: number;
  readonly alpha: number;
  readonly drifts: boolean;
}

export interface WindowOutlier {
  readonly window: number;
  readonly windowP90Ms: number;
  readonly pooledP90Ms: number;
  readonly pValue: number;
}

export interface LatencyDrift {
  readonly quantiles: readonly QuantileDrift[];
  readonly outliers: readonly WindowOutlier[];
  readonly reasons: readonly string[];
}

interface IteratedValue {
  readonly valueIteratedTo: number;
  readonly countAtValueIteratedTo: number;
}
interface RecordedValues {
  reset(): void;
  hasNext(): boolean;
  next(): IteratedValue;
}

/** Requests recorded above a value (µs). The JS histograms servelab builds expose their recorded values. */
export function countAbove(histogram: Histogram, valueUs: number): number {
  const iterator = (histogram as unknown as { recordedValuesIterator?: RecordedValues }).recordedValuesIterator;
  if (!iterator) throw new Error('countAbove needs a JS HDR histogram (recordedValuesIterator)');
  iterator.reset();
  let above = 0;
  while (iterator.hasNext()) {
    const step = iterator.next();
    if (step.valueIteratedTo > valueUs) above += step.countAtValueIteratedTo;
  }
  return above;
}

function merged(histograms: readonly Histogram[]): Histogram {
  const result = createHistogram();
  for (const histogram of histograms) result.add(histogram);
  return result;
}

const toMs = (us: number): number => us / 1000;

/** Latency drift and out-of-line windows over per-window latency histograms (by completion time). */
export function judgeLatencyDrift(windows: readonly Histogram[]): LatencyDrift {
  const pooled = merged(windows);
  const total = pooled.totalCount;
  const half = Math.floor(windows.length / 2);
  const first = merged(windows.slice(0, half));
  const second = merged(windows.slice(windows.length - half));
  const testable = DRIFT_QUANTILES.filter((percentile) => Math.min(total * (percentile / 100), total * (1 - percentile / 100)) >= MIN_EACH_SIDE);
  const reasons: string[] = [];
  const quantiles = testable.map((percentile): QuantileDrift => {
    const alpha = DRIFT_FAMILY_ALPHA / 2 / testable.length;
    const thresholdUs = pooled.getValueAtPercentile(percentile);
    const counts = windows.map((window) => ({ events: countAbove(window, thresholdUs), trials: window.totalCount }));
    const { z, pValue } = cochranArmitage(counts);
    const firstHalfMs = toMs(first.getValueAtPercentile(percentile));
    const secondHalfMs = toMs(second.getValueAtPercentile(percentile));
    const change = firstHalfMs > 0 ? secondHalfMs / firstHalfMs - 1 : secondHalfMs > 0 ? Infinity : 0;
    const drifts = pValue <= alpha && Math.abs(change) > MATERIAL_CHANGE && Math.sign(change) === Math.sign(z);
    if (drifts) {
      reasons.push(
        `p${percentile} latency drifts from ${firstHalfMs.toFixed(2)} ms (first half) to ${secondHalfMs.toFixed(2)} ms (second half), ` +
          `${change > 0 ? '+' : ''}${(change * 100).toFixed(0)}%; trend across ${windows.length} windows z = ${z.toFixed(2)}, ` +
          `p = ${pValue.toExponential(1)} ≤ ${alpha.toPrecision(2)} (Cochran–Armitage)`,
      );
    }
    return { percentile, firstHalfMs, secondHalfMs, change, z, pValue, alpha, drifts };
  });
  const outliers = outlierWindows(windows, pooled);
  for (const outlier of outliers) {
    reasons.push(
      `window ${outlier.window + 1} has p90 ${outlier.windowP90Ms.toFixed(2)} ms against ${outlier.pooledP90Ms.toFixed(2)} ms over the run; ` +
        `its count above the run's p90 has p = ${outlier.pValue.toExponential(1)} (exact binomial, Bonferroni over ${windows.length} windows)`,
    );
  }
  return { quantiles, outliers, reasons };
}

function outlierWindows(windows: readonly Histogram[], pooled: Histogram): WindowOutlier[] {
  const share = 1 - OUTLIER_QUANTILE / 100;
  if (pooled.totalCount * share < MIN_EACH_SIDE) return [];
  const thresholdUs = pooled.getValueAtPercentile(OUTLIER_QUANTILE);
  const pooledP90Ms = toMs(thresholdUs);
  const alpha = DRIFT_FAMILY_ALPHA / 2 / windows.length;
  const outliers: WindowOutlier[] = [];
  windows.forEach((window, index) => {
    if (window.totalCount === 0) return;
    const pValue = binomialUpperTail(countAbove(window, thresholdUs), window.totalCount, share);
    const windowP90Ms = toMs(window.getValueAtPercentile(OUTLIER_QUANTILE));
    if (pValue <= alpha && windowP90Ms > pooledP90Ms * (1 + MATERIAL_CHANGE)) outliers.push({ window: index, windowP90Ms, pooledP90Ms, pValue });
  });
  return outliers;
}
