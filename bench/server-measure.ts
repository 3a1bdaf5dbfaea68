/** Measurement loops of bench:server, shared by the benchmark and its in-process baseline child. */
import { median } from 'simple-statistics';

/** A deterministic FP32 input of `rows` rows of `sampleShape`. */
export function benchInput(rows: number, sampleShape: readonly number[]): { shape: number[]; data: Float32Array } {
  const shape = [rows, ...sampleShape];
  const data = new Float32Array(shape.reduce((n, d) => n * d, 1));
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7) % 101) / 101;
  return { shape, data };
}

/** Rows per second of `work` (which returns the rows it did) run by `workers` concurrent loops for windowMs. */
export async function rowsPerSecond(windowMs: number, work: () => Promise<number>, workers = 1): Promise<number> {
  let rows = 0;
  const startedMs = performance.now();
  const deadlineMs = startedMs + windowMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadlineMs) {
        // Not `rows += await work()`: that reads `rows` before the await, and concurrent loops would overwrite each other.
        const done = await work();
        rows += done;
      }
    }),
  );
  return rows / ((performance.now() - startedMs) / 1000);
}

export interface VariantReply {
  readonly latencyMs: number;
  /** The server's session.run time for this request, when it reports one. */
  readonly computeUs?: number;
}

export interface Variant {
  readonly name: string;
  readonly once: () => Promise<VariantReply>;
}

export interface LatencySummary {
  readonly latencyMs: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly computeMs: number;
  /** Median of (latency − the same request's server compute). */
  readonly beyondComputeMs: number;
  readonly runs: number;
}

/**
 * Rounds of one request per variant (after 2 warm-up rounds, then `afterWarmUp`) until the budget: drift on a shared machine hits
 * every variant alike. Per variant: medians of latency, server compute and their per-request difference.
 */
export async function interleavedLatency(variants: readonly Variant[], budgetMs: number, afterWarmUp?: () => Promise<void>): Promise<Map<string, LatencySummary>> {
  const samples = new Map(variants.map((variant) => [variant.name, { latency: [] as number[], compute: [] as number[], beyond: [] as number[] }]));
  for (let round = 0; round < 2; round++) for (const variant of variants) await variant.once();
  await afterWarmUp?.();
  const startedMs = performance.now();
  let rounds = 0;
  while (rounds < 5 || (performance.now() - startedMs < budgetMs && rounds < 300)) {
    for (const variant of variants) {
      const reply = await variant.once();
      const into = samples.get(variant.name)!;
      into.latency.push(reply.latencyMs);
      if (reply.computeUs !== undefined) {
        into.compute.push(reply.computeUs / 1000);
        into.beyond.push(reply.latencyMs - reply.computeUs / 1000);
      }
    }
    rounds++;
  }
  return new Map(
    [...samples].map(([name, { latency, compute, beyond }]) => [
      name,
      {
        latencyMs: median(latency),
        meanMs: latency.reduce((sum, value) => sum + value, 0) / latency.length,
        minMs: Math.min(...latency),
        computeMs: compute.length ? median(compute) : Number.NaN,
        beyondComputeMs: beyond.length ? median(beyond) : Number.NaN,
        runs: latency.length,
      },
    ]),
  );
}
