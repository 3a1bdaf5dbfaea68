/**
 * The decomposition of a request's client latency (timed from its scheduled send) into consecutive parts that add
 * up to it: the generator's send lag, transport and protocol handling outside the server's measured stages, the
 * server's batching wait (held to fill a batch while an instance was free), the rest of its queueing (waiting for
 * a busy instance, the hand-off to it), compute and serialization. Stored per trial as the mean over all requests
 * and over the requests near the p50 and at or above the p99 latency (bands), so a percentile's change can be
 * traced to the parts that moved.
 */
import type { MetricName } from './metric.js';

export const LATENCY_COMPONENTS = [
  { key: 'send_lag', label: 'send lag' },
  { key: 'transport', label: 'transport' },
  // Optional: trials recorded before the server reported it hold their batching wait inside server_queue.
  { key: 'server_batching', label: 'batching wait', optional: true },
  { key: 'server_queue', label: 'queueing' },
  { key: 'server_compute', label: 'compute' },
  { key: 'server_serialize', label: 'serialization' },
] as const;

/** Whether a source of metrics holds a decomposition: every part but the optional ones. */
export function hasDecomposition(has: (metric: MetricName) => boolean, band: LatencyBand): boolean {
  return LATENCY_COMPONENTS.every((part) => ('optional' in part && part.optional) || has(componentMetric(band, part.key)));
}

export type LatencyComponentKey = (typeof LATENCY_COMPONENTS)[number]['key'];
export type LatencyBand = 'mean' | 'p50' | 'p99';

/** The metric holding a component for a band, e.g. ('p99', 'server_queue') → 'p99_server_queue_ms'. */
export function componentMetric(band: LatencyBand, key: LatencyComponentKey): MetricName {
  return (band === 'mean' ? `${key}_ms` : `${band}_${key}_ms`) as MetricName;
}

/** The band whose decomposition explains a latency metric; undefined for metrics that are not latencies. */
export function bandOfLatencyMetric(metric: string): LatencyBand | undefined {
  if (metric === 'mean_ms') return 'mean';
  if (metric === 'p50_ms') return 'p50';
  if (metric === 'p90_ms' || metric === 'p95_ms' || metric === 'p99_ms' || metric === 'p999_ms' || metric === 'max_ms') return 'p99';
  return undefined;
}
