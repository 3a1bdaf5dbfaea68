/** Prometheus text exposition (format 0.0.4) for the server's counters, gauges and histograms, labelled by model. */

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  abstract samples(): string[];
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...this.samples()].join('\n');
  }
}

export class Counter extends Metric {
  readonly type = 'counter';
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  inc(labels: Labels = {}, by = 1): void {
    const key = JSON.stringify(labels);
    const entry = this.#values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.#values.set(key, entry);
  }
  value(labels: Labels = {}): number {
    return this.#values.get(JSON.stringify(labels))?.value ?? 0;
  }
  samples(): string[] {
    return [...this.#values.values()].map(({ labels, value }) => `${this.name}${labelText(labels)} ${value}`);
  }
}

/** A gauge read when scraped, so it always shows the current value (in-flight requests, queue depth). */
export class Gauge extends Metric {
  readonly type = 'gauge';
  readonly #readers = new Map<string, { labels: Labels; read: () => number }>();
  track(labels: Labels, read: () => number): void {
    this.#readers.set(JSON.stringify(labels), { labels, read });
  }
  samples(): string[] {
    return [...this.#readers.values()].map(({ labels, read }) => `${this.name}${labelText(labels)} ${read()}`);
  }
}

export class Histogram extends Metric {
  readonly type = 'histogram';
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    name: string,
    help: string,
    readonly buckets: readonly number[],
  ) {
    super(name, help);
  }
  observe(labels: Labels, value: number): void {
    const key = JSON.stringify(labels);
    const series = this.#series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((bound, index) => {
      if (value <= bound) series.counts[index]!++;
    });
    series.sum += value;
    series.count++;
    this.#series.set(key, series);
  }
  /** Observations per bucket upper bound (non-cumulative), for tests and summaries. */
  distribution(labels: Labels = {}): Map<number, number> {
    const series = this.#series.get(JSON.stringify(labels));
    const out = new Map<number, number>();
    this.buckets.forEach((bound, index) => {
      const cumulative = series?.counts[index] ?? 0;
      const previous = index > 0 ? (series?.counts[index - 1] ?? 0) : 0;
      out.set(bound, cumulative - previous);
    });
    return out;
  }
  samples(): string[] {
    const lines: string[] = [];
    for (const { labels, counts, sum, count } of this.#series.values()) {
      this.buckets.forEach((bound, index) => lines.push(`${this.name}_bucket${labelText(labels, ['le', String(bound)])} ${counts[index]}`));
      lines.push(`${this.name}_bucket${labelText(labels, ['le', '+Inf'])} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${sum}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
    return lines;
  }
}

const TIME_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];

/** The server's metrics, one set shared by all models and protocols. */
export class ServerMetrics {
  readonly requests = new Counter('servelab_requests_total', 'Inference requests received, by model and protocol.');
  readonly failures = new Counter('servelab_request_failures_total', 'Inference requests that failed, by model and reason.');
  readonly queueSeconds = new Histogram('servelab_queue_seconds', 'Time requests waited in the batch queue.', TIME_BUCKETS_SECONDS);
  readonly computeSeconds = new Histogram('servelab_compute_seconds', 'ONNX Runtime session.run time per batch.', TIME_BUCKETS_SECONDS);
  readonly requestSeconds = new Histogram('servelab_request_seconds', 'Server-side time per request, receipt to response.', TIME_BUCKETS_SECONDS);
  readonly batchSize = new Histogram('servelab_batch_size', 'Rows per executed batch.', BATCH_SIZE_BUCKETS);
  readonly busyInstances = new Histogram('servelab_busy_instances', 'Model instances holding work when a batch is dispatched (its own included).', [1, 2, 3, 4, 6, 8, 16, 32, 64]);
  readonly cacheHits = new Counter('servelab_cache_hits_total', 'Response cache hits.');
  readonly cacheMisses = new Counter('servelab_cache_misses_total', 'Response cache misses.');
  readonly inFlight = new Gauge('servelab_in_flight_requests', 'Requests being processed (queued or running).');
  readonly queueDepth = new Gauge('servelab_queue_depth', 'Requests waiting in the batch queue.');
  readonly cacheBytes = new Gauge('servelab_cache_bytes', 'Bytes held by the response cache.');
  readonly shed = new Counter('servelab_requests_shed_total', 'Requests refused at arrival (503 / RESOURCE_EXHAUSTED), by model and reason: queue-full, expected-delay.');
  readonly batchSplits = new Counter('servelab_batch_splits_total', 'Failed batches split to isolate the requests at fault.');
  readonly batchServiceSeconds = new Gauge('servelab_batch_service_seconds', 'Estimated time one batch holds one instance (the admission control estimate).');
  readonly threadPlacement = new Gauge('servelab_thread_placement_info', 'Where the server threads run (always 1): separate I/O and instance CPUs or not, and which.');
  readonly stageSeconds = new Histogram(
    'servelab_request_stage_seconds',
    'Server time per request by stage (model, protocol, stage): read, parse, queue, handoff, run, handback, encode, write.',
    TIME_BUCKETS_SECONDS,
  );

  render(): string {
    const all = [this.requests, this.failures, this.queueSeconds, this.computeSeconds, this.requestSeconds, this.batchSize, this.busyInstances, this.cacheHits, this.cacheMisses, this.inFlight, this.queueDepth, this.cacheBytes, this.shed, this.batchSplits, this.batchServiceSeconds, this.stageSeconds, this.threadPlacement];
    return `${all.map((metric) => metric.render()).join('\n')}\n`;
  }
}
