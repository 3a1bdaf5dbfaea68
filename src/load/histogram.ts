/**
 * HDR histograms for latencies: microsecond values at 3 significant digits (as wrk2 records them), mergeable
 * across windows and processes, serialised as compressed base64.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

export type { Histogram };

/** One hour in microseconds: anything slower is clamped (timeouts end requests long before). */
const HIGHEST_US = 3_600_000_000;

export function createHistogram(): Histogram {
  return build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 });
}

/** Records a duration in ms at microsecond resolution (negative clock noise counts as 0). */
export function recordMs(histogram: Histogram, durationMs: number): void {
  histogram.recordValue(Math.min(HIGHEST_US, Math.max(0, Math.round(durationMs * 1000))));
}

export function recordUs(histogram: Histogram, durationUs: number): void {
  histogram.recordValue(Math.min(HIGHEST_US, Math.max(0, Math.round(durationUs))));
}

export interface PercentilesMs {
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
  readonly count: number;
}

/** Percentiles in ms (rounded to µs), or null when nothing was recorded. */
export function percentilesMs(histogram: Histogram): PercentilesMs | null {
  if (histogram.totalCount === 0) return null;
  const at = (percentile: number): number => toMs(histogram.getValueAtPercentile(percentile));
  return {
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: toMs(histogram.maxValue),
    mean: toMs(histogram.mean),
    count: histogram.totalCount,
  };
}

function toMs(valueUs: number): number {
  return Math.round(valueUs) / 1000;
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  const decoded = decodeFromCompressedBase64(encoded, 32, false);
  const histogram = createHistogram();
  histogram.add(decoded);
  return histogram;
}
