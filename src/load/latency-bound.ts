/**
 * The p99 bound a capacity search holds the target to: the study's own (`load.capacity.maxP99Ms`), or one
 * derived from the model's unloaded service time, measured first with sequential single requests (closed
 * loop, one client, no think time) so that no queue forms. It is never taken from a loaded step.
 *
 * Derived bound = max(multiple × unloaded p99, unloaded p99 + headroom), by default max(5 × p99, p99 + 10 ms):
 * - 5×: for an M/M/1 queue the sojourn time is exponential with rate μ(1 − ρ), so its p99 is the unloaded p99
 *   divided by (1 − ρ); a bound of 5× the unloaded p99 is reached at utilisation 0.8, where queueing starts to
 *   dominate (Kleinrock, Queueing Systems Vol. 1, §3.2). MLPerf's Server targets are of the same order
 *   relative to single-stream latency (ResNet-50: 15 ms).
 * - +10 ms: for a 1–2 ms model, 5× would be within the 4–12 ms timer and scheduling jitter measured on a
 *   shared two-core machine, so capacity would measure the machine's noise, not the model.
 */
import type { Clock } from '../core/clock.js';
import { ServelabError } from '../core/errors.js';
import { executeLocal, type ResolvedPlan } from './execute.js';
import { percentilesMs } from './histogram.js';
import type { LoadPlan } from './load-options.js';

export type BoundSource = 'study' | 'unloaded-service-time';

/** What a load run needs of an open target session. */
type LoadSession = Parameters<typeof executeLocal>[1];

export interface UnloadedServiceTime {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly durationMs: number;
}

export interface LatencyBound {
  readonly maxP99Ms: number;
  readonly boundSource: BoundSource;
  /** How the bound was obtained, in words with its numbers. */
  readonly boundRule: string;
  readonly unloaded: UnloadedServiceTime | null;
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** Sequential single requests for probeDurationMs (after the search's warm-up): the unloaded service time. */
export async function measureUnloadedServiceTime(plan: LoadPlan, session: LoadSession, clock: Clock): Promise<UnloadedServiceTime> {
  const search = plan.capacitySearch;
  const probePlan: ResolvedPlan = {
    ...plan,
    pattern: { type: 'closed', concurrency: 1, thinkTimeMs: 0 },
    durationMs: search.unloadedProbeMs,
    warmupMs: search.warmupMs,
    windowMs: search.unloadedProbeMs,
  };
  const { recorder } = await executeLocal(probePlan, session, clock);
  const stats = percentilesMs(recorder.latency);
  if (!stats) {
    throw new ServelabError(`the unloaded probe (one request at a time for ${search.unloadedProbeMs} ms) completed no request: the target answers nothing`, 'unavailable');
  }
  return { p50Ms: stats.p50, p99Ms: stats.p99, requests: stats.count, durationMs: search.unloadedProbeMs };
}

/** The derived bound for an unloaded service time, by the rule above. */
export function boundFromUnloaded(unloaded: UnloadedServiceTime, multiple: number, headroomMs: number): LatencyBound {
  const scaled = multiple * unloaded.p99Ms;
  const padded = unloaded.p99Ms + headroomMs;
  const maxP99Ms = round3(Math.max(scaled, padded));
  const few = unloaded.requests < 100 ? `; only ${unloaded.requests} probe requests, so the unloaded p99 is close to their maximum` : '';
  return {
    maxP99Ms,
    boundSource: 'unloaded-service-time',
    boundRule: `max(${multiple} × unloaded p99 ${round3(unloaded.p99Ms)} ms, unloaded p99 + ${headroomMs} ms) = ${maxP99Ms} ms (unloaded p50 ${round3(unloaded.p50Ms)} ms over ${unloaded.requests} sequential requests${few})`,
    unloaded,
  };
}

/** The study's bound when it gives one, otherwise one derived from a fresh unloaded probe. */
export async function resolveLatencyBound(plan: LoadPlan, session: LoadSession, clock: Clock): Promise<LatencyBound> {
  const search = plan.capacitySearch;
  if (search.maxP99Ms !== undefined) {
    return { maxP99Ms: search.maxP99Ms, boundSource: 'study', boundRule: `${search.maxP99Ms} ms, set by the study (load.capacity.maxP99Ms)`, unloaded: null };
  }
  const unloaded = await measureUnloadedServiceTime(plan, session, clock);
  return boundFromUnloaded(unloaded, search.unloadedP99Multiple, search.unloadedHeadroomMs);
}
