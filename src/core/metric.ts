/**
 * Metric names shared by the runner, the store, the analysis and the report. Units are in the names.
 * Energy metrics carry the meter that produced them beside the value (see energy/), never in the name.
 */
export const METRICS = {
  p50_ms: { unit: 'ms', better: 'lower', label: 'p50 latency' },
  p90_ms: { unit: 'ms', better: 'lower', label: 'p90 latency' },
  p95_ms: { unit: 'ms', better: 'lower', label: 'p95 latency' },
  p99_ms: { unit: 'ms', better: 'lower', label: 'p99 latency' },
  p999_ms: { unit: 'ms', better: 'lower', label: 'p99.9 latency' },
  mean_ms: { unit: 'ms', better: 'lower', label: 'mean latency' },
  max_ms: { unit: 'ms', better: 'lower', label: 'max latency' },
  achieved_rps: { unit: 'req/s', better: 'higher', label: 'achieved throughput' },
  error_rate: { unit: 'fraction', better: 'lower', label: 'error rate' },
  dropped: { unit: 'requests', better: 'lower', label: 'dropped requests' },
  server_queue_ms: { unit: 'ms', better: 'lower', label: 'mean server queue wait, batching wait excluded (trials without server_batching_ms include it)' },
  server_batching_ms: { unit: 'ms', better: 'lower', label: 'mean batching wait: held to fill a batch while an instance was free' },
  server_compute_ms: { unit: 'ms', better: 'lower', label: 'mean server compute time' },
  server_serialize_ms: { unit: 'ms', better: 'lower', label: 'mean server serialization time' },
  transport_ms: { unit: 'ms', better: 'lower', label: 'mean transport and protocol time (service time outside the server stages)' },
  send_lag_ms: { unit: 'ms', better: 'lower', label: 'mean send lag behind schedule' },
  p50_send_lag_ms: { unit: 'ms', better: 'lower', label: 'send lag of requests near the p50 latency' },
  p50_transport_ms: { unit: 'ms', better: 'lower', label: 'transport time of requests near the p50 latency' },
  p50_server_batching_ms: { unit: 'ms', better: 'lower', label: 'batching wait of requests near the p50 latency' },
  p50_server_queue_ms: { unit: 'ms', better: 'lower', label: 'server queue wait (batching wait excluded) of requests near the p50 latency' },
  p50_server_compute_ms: { unit: 'ms', better: 'lower', label: 'server compute time of requests near the p50 latency' },
  p50_server_serialize_ms: { unit: 'ms', better: 'lower', label: 'server serialization time of requests near the p50 latency' },
  p99_send_lag_ms: { unit: 'ms', better: 'lower', label: 'send lag of requests at or above the p99 latency' },
  p99_transport_ms: { unit: 'ms', better: 'lower', label: 'transport time of requests at or above the p99 latency' },
  p99_server_batching_ms: { unit: 'ms', better: 'lower', label: 'batching wait of requests at or above the p99 latency' },
  p99_server_queue_ms: { unit: 'ms', better: 'lower', label: 'server queue wait (batching wait excluded) of requests at or above the p99 latency' },
  p99_server_compute_ms: { unit: 'ms', better: 'lower', label: 'server compute time of requests at or above the p99 latency' },
  p99_server_serialize_ms: { unit: 'ms', better: 'lower', label: 'server serialization time of requests at or above the p99 latency' },
  mean_batch_size: { unit: 'requests', better: 'higher', label: 'mean executed batch size' },
  cache_hit_rate: { unit: 'fraction', better: 'higher', label: 'response cache hit rate' },
  cpu_util: { unit: 'cores', better: 'lower', label: 'server CPU use' },
  cpu_steal: { unit: 'fraction', better: 'lower', label: 'CPU time taken by the hypervisor (steal)' },
  rss_mb: { unit: 'MB', better: 'lower', label: 'server peak resident memory' },
  power_w: { unit: 'W', better: 'lower', label: 'mean server power' },
  energy_j: { unit: 'J', better: 'lower', label: 'server energy over the steady window' },
  energy_j_per_inf: { unit: 'J', better: 'lower', label: 'energy per inference' },
  mix_achieved_rps: { unit: 'req/s', better: 'higher', label: 'combined throughput of the co-served models' },
  mix_energy_j: { unit: 'J', better: 'lower', label: 'energy of the server shared by co-served models (the total the parts are attributed from)' },
  mix_energy_j_per_inf: { unit: 'J', better: 'lower', label: 'energy per inference of the co-served mix (all its models)' },
  energy_share: { unit: 'fraction', better: 'lower', label: "share of the shared server's energy attributed to the model" },
} as const satisfies Record<string, MetricInfo>;

export interface MetricInfo {
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  readonly label: string;
}

export type MetricName = keyof typeof METRICS;

export function metricInfo(name: string): MetricInfo | undefined {
  return (METRICS as Record<string, MetricInfo>)[name];
}
