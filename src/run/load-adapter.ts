/** The default LoadDriver: servelab's own load generator (runLoad, findCapacity). */
import { ServelabError } from '../core/errors.js';
import { findCapacity, runLoad } from '../load/index.js';
import type { LoadSummary } from '../load/summary.js';
import { targetAddress, type CapacityRequest, type CapacityResult, type LoadDriver, type LoadRunRequest } from './load-driver.js';

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
      durationMs: request.durationMs,
      warmupMs: request.warmupMs,
      seed: request.seed,
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
      method: `rising rate then binary search until p99 > ${Math.round(result.maxP99Ms * 100) / 100} ms or errors > ${(result.maxErrorRate * 100).toFixed(1)}%`,
      details: result,
    };
  },
};
