import { createRng } from '../../core/random.js';
import { ServelabError } from '../../core/errors.js';
import type { SamplePlan } from './sample-plan.js';
import type { SampleStream } from './types.js';

/** Prepared samples kept per plan and shared by all streams of the process, within one budget for all plans. */
const CACHE_BUDGET_BYTES = 256 * 1024 * 1024;
let cachedBytes = 0;

const caches = new Map<string, Map<number, unknown>>();

/**
 * The endless request stream over a plan: each epoch visits every sample once in an order drawn from the
 * seed, so equal seeds give equal request sequences. Samples are prepared on first use and cached until the
 * budget is full; after that, uncached samples are prepared on every use (still deterministic).
 */
export function createPlanStream<Prepared>(
  plan: SamplePlan<Prepared>,
  workloadName: string,
  seed: number,
  batchSize = 1,
): SampleStream {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ServelabError(`batch size must be a positive integer, but got ${batchSize}`);
  }
  if (plan.sampleCount < 1) throw new ServelabError(`workload '${workloadName}' has no samples`, 'unavailable');
  const rng = createRng(seed, `workload:${workloadName}`);
  const indices = Array.from({ length: plan.sampleCount }, (_, i) => i);
  let order = rng.shuffle(indices);
  let position = 0;
  const cache = cacheFor(plan.key);

  const prepared = (index: number): Prepared => {
    const hit = cache.get(index);
    if (hit !== undefined) return hit as Prepared;
    const sample = plan.prepare(index);
    const bytes = plan.preparedBytes(sample);
    if (cachedBytes + bytes <= CACHE_BUDGET_BYTES) {
      cache.set(index, sample);
      cachedBytes += bytes;
    }
    return sample;
  };

  return {
    batchSize,
    next() {
      const samples: Prepared[] = [];
      for (let i = 0; i < batchSize; i++) {
        if (position === order.length) {
          order = rng.shuffle(indices);
          position = 0;
        }
        samples.push(prepared(order[position++]!));
      }
      return plan.batch(samples);
    },
  };
}

function cacheFor(key: string): Map<number, unknown> {
  let cache = caches.get(key);
  if (!cache) {
    cache = new Map();
    caches.set(key, cache);
  }
  return cache;
}

/** Drops every cached prepared sample (benchmarks measure cold streams with it; it also frees the memory). */
export function clearSampleCaches(): void {
  caches.clear();
  cachedBytes = 0;
}
