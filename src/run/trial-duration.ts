/**
 * Enough requests by design: the measured duration of a trial must hold enough requests for the highest
 * percentile its objectives and constraints use (MLPerf LoadGen's counts: 662 for p99, 6,636 for p99.9).
 * From the trial's arrival rate the study derives the minimum duration; a shorter one is extended (the
 * default) or refused, naming the trial. Closed-loop rates are not known before the run; their verdict
 * still checks the count.
 */
import { ServelabError } from '../core/errors.js';
import { minimumSamplesFor } from '../load/percentile-support.js';
import type { Study } from '../plan/study-schema.js';

const PERCENTILE_OF_METRIC: Readonly<Record<string, number>> = { p50_ms: 50, p90_ms: 90, p95_ms: 95, p99_ms: 99, p999_ms: 99.9 };

export interface PercentileNeed {
  readonly metric: string;
  /** Requests the percentile needs (LoadGen's early-stopping count). */
  readonly requests: number;
}

/** The most demanding percentile among the study's objectives and constraints, or undefined when none is used. */
export function percentileNeed(study: Pick<Study, 'objectives' | 'constraints'>): PercentileNeed | undefined {
  const metrics = [...study.objectives.map((objective) => objective.metric), ...study.constraints.map((constraint) => constraint.metric)];
  let need: PercentileNeed | undefined;
  for (const metric of metrics) {
    const percentile = PERCENTILE_OF_METRIC[metric];
    if (percentile === undefined) continue;
    const requests = minimumSamplesFor(percentile);
    if (!need || requests > need.requests) need = { metric, requests };
  }
  return need;
}

/**
 * Arrivals to plan for so that a Poisson count reaches `requests` with about 99.9% probability (mean minus
 * three standard deviations), and every arrival has time to answer.
 */
export function plannedArrivals(requests: number): number {
  return Math.ceil(requests + 3 * Math.sqrt(requests));
}

export interface TrialDuration {
  readonly durationMs: number;
  /** Set when the study's duration was too short and the trial was extended. */
  readonly extendedFromMs?: number;
  readonly reason?: string;
}

/** The measured duration of a trial at this arrival rate (undefined for closed loop: the rate is not known). */
export function trialDuration(study: Pick<Study, 'objectives' | 'constraints' | 'load'>, rateRps: number | undefined, trialLabel: string): TrialDuration {
  const requestedMs = study.load.durationMs;
  const need = percentileNeed(study);
  if (!need || rateRps === undefined || !(rateRps > 0)) return { durationMs: requestedMs };
  const minimumMs = Math.ceil((plannedArrivals(need.requests) / rateRps) * 1000);
  if (requestedMs >= minimumMs) return { durationMs: requestedMs };
  const reason = `${need.metric} needs ${need.requests} requests; at ${formatRate(rateRps)} req/s that takes ${(minimumMs / 1000).toFixed(1)} s, the study asks for ${(requestedMs / 1000).toFixed(1)} s`;
  if (study.load.minimumDuration === 'refuse') {
    throw new ServelabError(`trial ${trialLabel} is too short: ${reason} (load.minimumDuration: refuse; raise load.duration or the rate)`, 'invalid-input');
  }
  return { durationMs: minimumMs, extendedFromMs: requestedMs, reason: `extended to ${(minimumMs / 1000).toFixed(1)} s: ${reason}` };
}

function formatRate(rateRps: number): string {
  return rateRps >= 100 ? rateRps.toFixed(0) : rateRps.toFixed(1);
}
