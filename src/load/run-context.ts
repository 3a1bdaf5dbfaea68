import type { Clock } from '../core/clock.js';
import type { Tensor } from '../core/tensor.js';
import type { LoadClient, PreparedRequest } from '../targets/load-client.js';
import type { LoadRecorder } from './recorder.js';

/** Endless request tensors in a seeded order (a workload's SampleStream fits). */
export interface SampleSource {
  next(): Tensor[];
  /** True when next() hands out the same tensor lists again (their encoding can then be cached). */
  readonly repeatsRequests?: boolean;
}

/** What a load loop needs; times in the recorder are relative to startMs. */
export interface RunContext {
  readonly client: LoadClient;
  readonly model: string;
  readonly samples: SampleSource;
  readonly clock: Clock;
  readonly recorder: LoadRecorder;
  /** Clock time of offset 0. */
  readonly startMs: number;
  readonly timeoutMs: number;
}

/**
 * Encodes the next request. A source that hands out the same tensor list again (a limited sample set) gets
 * its encoded request back from a cache instead of paying for the encoding on every send.
 */
export function nextRequest(context: RunContext, cache: WeakMap<readonly Tensor[], PreparedRequest>): PreparedRequest {
  const inputs = context.samples.next();
  if (!context.samples.repeatsRequests) return context.client.prepare(context.model, inputs);
  let prepared = cache.get(inputs);
  if (!prepared) {
    prepared = context.client.prepare(context.model, inputs);
    cache.set(inputs, prepared);
  }
  return prepared;
}

/** Cycles through the first `count` requests of a source, handing out the same tensor lists each time. */
export function limitSamples(source: SampleSource, count: number): SampleSource {
  const requests = Array.from({ length: count }, () => source.next());
  let position = 0;
  return {
    repeatsRequests: true,
    next: () => {
      const inputs = requests[position]!;
      position = (position + 1) % requests.length;
      return inputs;
    },
  };
}
