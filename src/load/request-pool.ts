/**
 * The requests of a run, loaded before its clock starts (MLPerf LoadGen's "load samples to RAM"): a bounded
 * pool of distinct real samples, each preprocessed and encoded once. The issuing path only picks the next
 * pre-encoded request, so the generator's send rate does not depend on the cost of preparing a sample.
 */
import { byteSize, type Tensor } from '../core/tensor.js';
import type { LoadClient, PreparedRequest } from '../targets/load-client.js';

/** Endless request tensors in a seeded order (a workload's SampleStream fits). */
export interface SampleSource {
  next(): Tensor[];
}

export interface RequestPoolLimits {
  /** Most distinct requests held. */
  readonly maxRequests: number;
  /** Most encoded bytes held; the first request is always taken, however large. */
  readonly maxBytes: number;
}

export interface RequestPool {
  /** Distinct requests held. */
  readonly size: number;
  /** Their encoded size. */
  readonly bytes: number;
  /** The next request, cycling through the pool in the source's order; allocates nothing. */
  next(): PreparedRequest;
}

/** As many as a short trial sends (80 req/s × 10 s), so a response cache sees no repeat within one. */
export const DEFAULT_SAMPLE_POOL_SIZE = 1024;
export const DEFAULT_SAMPLE_POOL_BYTES = 128 * 1024 * 1024;

/**
 * Draws requests from the source and encodes them until the pool holds maxRequests or the next one would
 * pass maxBytes. A source that hands out a tensor list it handed out before has cycled: the pool stops
 * there, so it holds each distinct request once.
 */
export function prepareRequestPool(source: SampleSource, client: Pick<LoadClient, 'prepare'>, model: string, limits: RequestPoolLimits): RequestPool {
  const requests: PreparedRequest[] = [];
  const seen = new Set<readonly Tensor[]>();
  let bytes = 0;
  while (requests.length < limits.maxRequests) {
    const inputs = source.next();
    if (seen.has(inputs)) break;
    seen.add(inputs);
    const prepared = client.prepare(model, inputs);
    const size = prepared.byteLength ?? inputs.reduce((total, tensor) => total + byteSize(tensor), 0);
    if (requests.length > 0 && bytes + size > limits.maxBytes) break;
    requests.push(prepared);
    bytes += size;
  }
  return cyclingPool(requests, bytes);
}

function cyclingPool(requests: readonly PreparedRequest[], bytes: number): RequestPool {
  let position = 0;
  return {
    size: requests.length,
    bytes,
    next() {
      const prepared = requests[position]!;
      position = position + 1 === requests.length ? 0 : position + 1;
      return prepared;
    },
  };
}
