/** The default LoadDriver: servelab's own load generator (runLoad, findCapacity). */
import { ServelabError } from '../core/errors.js';
import { findCapacity, runLoad } from '../load/index.js';
import { runMixedLoad, type MixedLoadSummary } from '../load/mixed-load.js';
import { DEFAULT_SAMPLE_POOL_SIZE } from '../load/request-pool.js';
import type { LoadSummary } from '../load/summary.js';
import { targetAddress, type CapacityRequest, type CapacityResult, type LoadDriver, type LoadRunRequest, type MixedRunRequest } from './load-driver.js';

export const loadGeneratorDriver: LoadDriver = {
  async run(request: LoadRunRequest): Promise<LoadSummary> {
    const point = request.point;
    const shape =
      point.pattern === 'closed'
        ? { pattern: 'closed' as const, concurrency: point.concurrency, ...(point.thinkTimeMs === undefined ? {} : { thinkTimeMs: point.thinkTimeMs }) }
        : { pattern: point.pattern, rateRps: request.rateRps ?? point.rateRps };
    if (shape.pattern !== 'closed' && shape.rateRps === undefined) throw new ServelabError(`load point ${point.label}: no rate resolved`, 'internal');
    return runLoad({
      target: targetAddress(request.target, request.protocol),
      protocol: request.protocol,
      model: request.model,
      workload: request.workload,
      ...shape,
      ...(shape.pattern === 'closed' ? {} : { samplePoolSize: distinctRequestsFor(shape.rateRps!, request.durationMs + request.warmupMs) }),
      durationMs: request.durationMs,
      warmupMs: request.warmupMs,
      seed: request.seed,
      ...(request.onStart ? { onLoadStart: request.onStart } : {}),
    });
  },

  async runMixed(request: MixedRunRequest): Promise<MixedLoadSummary> {
    return runMixedLoad({
      target: targetAddress(request.target, request.protocol),
      protocol: request.protocol,
      members: request.members.map(({ model, workload, point, rateRps }) => {
        if (point.pattern === 'closed') return { model, workload, pattern: 'closed' as const, concurrency: point.concurrency, ...(point.thinkTimeMs === undefined ? {} : { thinkTimeMs: point.thinkTimeMs }) };
        const rate = rateRps ?? point.rateRps;
        if (rate === undefined) throw new ServelabError(`load point ${point.label} of ${model}: no rate resolved`, 'internal');
        return { model, workload, pattern: point.pattern, rateRps: rate, samplePoolSize: distinctRequestsFor(rate, request.durationMs + request.warmupMs) };
      }),
      durationMs: request.durationMs,
      warmupMs: request.warmupMs,
      seed: request.seed,
      ...(request.onStart ? { onLoadStart: request.onStart } : {}),
    });
  },

  async capacity(request: CapacityRequest): Promise<CapacityResult> {
    const result = await findCapacity({
      target: targetAddress(request.target, request.protocol),
      protocol: request.protocol,
      model: request.model,
      workload: request.workload,
      seed: request.seed,
      capacitySearch: {
        stepDurationMs: request.stepDurationMs,
        ...(request.maxP99Ms === undefined ? {} : { maxP99Ms: request.maxP99Ms }),
        ...(request.maxErrorRate === undefined ? {} : { maxErrorRate: request.maxErrorRate }),
        ...(request.startRps === undefined ? {} : { startRps: request.startRps }),
      },
    });
    return {
      capacityRps: result.capacityRps,
      method:
        `highest rate with p99 ≤ ${Math.round(result.maxP99Ms * 100) / 100} ms (${result.boundRule}), ≥ ${(result.minAchievedFraction * 100).toFixed(0)}% of the offered rate achieved ` +
        `and errors ≤ ${(result.maxErrorRate * 100).toFixed(1)}%; rising rate, then binary search`,
      details: result,
    };
  },
};

/**
 * Distinct requests for an open-loop run: enough that no request repeats within it (where the workload and the
 * pool's byte bound allow), so a response cache sees the workload's own repeats, not the generator's cycling.
 */
export function distinctRequestsFor(rateRps: number, runMs: number): number {
  const expected = (rateRps * runMs) / 1000;
  return Math.max(DEFAULT_SAMPLE_POOL_SIZE, Math.ceil(expected + 4 * Math.sqrt(expected) + 16));
}
