/**
 * Capacity search: the target's saturation throughput, found the way perf_analyzer and LoadGen's FindPeak
 * do. The rate doubles until a step fails (p99 over its bound, too many errors, or the achieved rate falling
 * short of the offered one), then a binary search narrows the boundary. Bounded in steps and time.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { ServelabError } from '../core/errors.js';
import { percentilesMs } from './histogram.js';
import { executeLocal, type ResolvedPlan } from './execute.js';
import type { LoadPlan } from './load-options.js';
import { generatorSaturated } from './self-check.js';
import type { TargetSession } from './target-session.js';

export interface CapacityStep {
  readonly rateRps: number;
  readonly achievedRps: number;
  readonly p99Ms: number | null;
  readonly errorRate: number;
  readonly passed: boolean;
  /** Why the step failed, or why the search stopped after it. */
  readonly note: string | null;
}

export interface CapacityResult {
  /** Achieved throughput at the highest rate that passed. */
  readonly capacityRps: number;
  /** Lowest rate that failed (null when the search ran out of steps while still passing). */
  readonly saturatedAtRps: number | null;
  readonly maxP99Ms: number;
  readonly maxErrorRate: number;
  readonly steps: readonly CapacityStep[];
  readonly warnings: readonly string[];
}

export async function searchCapacity(plan: LoadPlan, session: TargetSession, clock: Clock = systemClock): Promise<CapacityResult> {
  const search = plan.capacitySearch;
  const steps: CapacityStep[] = [];
  const warnings: string[] = [];
  let maxP99Ms = search.maxP99Ms;
  let best: CapacityStep | undefined;
  let failedAt: number | undefined;
  let rateRps = search.startRps;
  while (steps.length < search.maxSteps) {
    const stepPlan: ResolvedPlan = {
      ...plan,
      pattern: { type: 'poisson', rateRps },
      durationMs: search.stepDurationMs,
      warmupMs: search.warmupMs,
      windowMs: search.stepDurationMs,
    };
    const { recorder, usage } = await executeLocal(stepPlan, session, clock);
    const achievedRps = recorder.okInWindow / (search.stepDurationMs / 1000);
    // Compared with what was actually scheduled: a short Poisson step offers noticeably more or less than its rate.
    const offeredRps = (recorder.sent + recorder.dropped) / (search.stepDurationMs / 1000);
    const p99Ms = percentilesMs(recorder.latency)?.p99 ?? null;
    const errorRate = recorder.sent > 0 ? recorder.errors / recorder.sent : 1;
    // Without an explicit bound, latency may grow to 10x what the first (lightest) step saw.
    maxP99Ms ??= Math.round(Math.max(20, 10 * (p99Ms ?? 2)) * 1000) / 1000;
    const failure =
      errorRate > search.maxErrorRate
        ? `error rate ${(errorRate * 100).toFixed(1)}% > ${(search.maxErrorRate * 100).toFixed(1)}%`
        : p99Ms === null || p99Ms > maxP99Ms
          ? `p99 ${p99Ms ?? '∞'} ms > ${maxP99Ms} ms`
          : recorder.dropped > 0
            ? `${recorder.dropped} requests dropped at the in-flight cap`
            : achievedRps < search.minAchievedFraction * offeredRps
              ? `achieved ${achievedRps.toFixed(1)} of ${offeredRps.toFixed(1)} req/s offered`
              : null;
    const step: CapacityStep = { rateRps, achievedRps, p99Ms, errorRate, passed: failure === null, note: failure };
    steps.push(step);
    if (step.passed) best = step;
    else failedAt = Math.min(failedAt ?? Infinity, rateRps);
    // Raising the rate further would measure the generator, not the target.
    if (step.passed && generatorSaturated(usage)) {
      warnings.push(
        `search stopped at ${rateRps.toFixed(1)} req/s: the generator used ${(usage.cpuFraction * 100).toFixed(0)}% of a core (event loop ${(usage.eventLoopUtilization * 100).toFixed(0)}% busy); capacity is a lower bound`,
      );
      steps[steps.length - 1] = { ...step, note: 'generator-bound: stopped raising the rate' };
      break;
    }
    if (failedAt === undefined) rateRps *= 2;
    else {
      const low = best?.rateRps ?? 0;
      if (best && (failedAt - low) / low <= search.precision) break;
      rateRps = (low + failedAt) / 2;
      if (rateRps < 0.1) break;
    }
  }
  if (!best) {
    const first = steps[0];
    throw new ServelabError(
      `capacity search found no rate the target sustains: ${first ? `${first.rateRps.toFixed(1)} req/s failed (${first.note})` : 'no steps ran'}, and so did every lower rate tried`,
      'unavailable',
    );
  }
  if (failedAt === undefined) warnings.push(`the search ran out of steps at ${best.rateRps.toFixed(1)} req/s without saturating the target; capacity is a lower bound`);
  return { capacityRps: best.achievedRps, saturatedAtRps: failedAt ?? null, maxP99Ms: maxP99Ms ?? 0, maxErrorRate: search.maxErrorRate, steps, warnings };
}
