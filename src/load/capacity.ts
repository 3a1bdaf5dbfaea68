/**
 * Capacity search: the highest Poisson rate the target serves with p99 under a latency bound AND an achieved
 * rate of at least 95% of the offered one (and errors under their bound, nothing dropped), found the way
 * perf_analyzer's --binary-search and LoadGen's FindPeakPerformance do: the rate doubles until a step fails,
 * then a binary search narrows the bracket to the search precision. The bound comes from the study or from
 * the unloaded service time measured before any loaded step (latency-bound.ts). A step that fails is measured
 * once more at the same rate, and bounds the search only if it fails again: a short step's p99 is decided by a
 * handful of requests, so one stall (a GC pause, the hypervisor taking the CPU for a moment) would otherwise
 * cap the capacity far below what the target serves. Every step is kept, so the report can show the search
 * curve next to the bound. Bounded in rates tried (each with at most one confirmation) and time.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { ServelabError } from '../core/errors.js';
import { executeLocal, type ResolvedPlan } from './execute.js';
import { percentilesMs } from './histogram.js';
import { resolveLatencyBound, type BoundSource, type UnloadedServiceTime } from './latency-bound.js';
import type { LoadPlan } from './load-options.js';
import { generatorSaturated } from './self-check.js';
import type { TargetSession } from './target-session.js';

export interface CapacityStep {
  /** The Poisson rate asked for. */
  readonly rateRps: number;
  /** What the step's schedule actually offered (a short Poisson step offers noticeably more or less). */
  readonly offeredRps: number;
  readonly achievedRps: number;
  readonly p99Ms: number | null;
  readonly errorRate: number;
  readonly passed: boolean;
  /** Why the step failed, or why the search stopped after it. */
  readonly note: string | null;
  /** A failed first measurement, set aside because the same rate was measured again (the next step). */
  readonly measuredAgain?: boolean;
}

export interface CapacityResult {
  /** The highest rate that passed (req/s). */
  readonly capacityRps: number;
  /** Throughput achieved at that rate. */
  readonly achievedRps: number;
  /** Lowest rate that failed (null when the search ran out of steps while still passing). */
  readonly saturatedAtRps: number | null;
  /** The p99 bound every step was held to. */
  readonly maxP99Ms: number;
  readonly boundSource: BoundSource;
  /** How the bound was derived, with its numbers. */
  readonly boundRule: string;
  /** The sequential-request probe behind a derived bound; null when the study set the bound. */
  readonly unloaded: UnloadedServiceTime | null;
  readonly maxErrorRate: number;
  readonly minAchievedFraction: number;
  readonly precision: number;
  /** Every step in the order it ran: the search curve. */
  readonly steps: readonly CapacityStep[];
  readonly warnings: readonly string[];
}

type StepJudge = Pick<CapacityResult, 'maxP99Ms' | 'maxErrorRate' | 'minAchievedFraction'>;

/** Why a step fails, or null when it passes. */
export function stepFailure(step: Omit<CapacityStep, 'passed' | 'note'> & { readonly dropped: number }, judge: StepJudge): string | null {
  if (step.errorRate > judge.maxErrorRate) return `error rate ${(step.errorRate * 100).toFixed(1)}% > ${(judge.maxErrorRate * 100).toFixed(1)}%`;
  if (step.p99Ms === null || step.p99Ms > judge.maxP99Ms) return `p99 ${step.p99Ms ?? '∞'} ms > ${judge.maxP99Ms} ms`;
  if (step.dropped > 0) return `${step.dropped} requests dropped at the in-flight cap`;
  if (step.achievedRps < judge.minAchievedFraction * step.offeredRps) {
    return `achieved ${step.achievedRps.toFixed(1)} of ${step.offeredRps.toFixed(1)} req/s offered (< ${(judge.minAchievedFraction * 100).toFixed(0)}%)`;
  }
  return null;
}

export async function searchCapacity(plan: LoadPlan, session: TargetSession, clock: Clock = systemClock): Promise<CapacityResult> {
  const search = plan.capacitySearch;
  const bound = await resolveLatencyBound(plan, session, clock);
  const judge: StepJudge = { maxP99Ms: bound.maxP99Ms, maxErrorRate: search.maxErrorRate, minAchievedFraction: search.minAchievedFraction };
  const steps: CapacityStep[] = [];
  const warnings: string[] = [];
  let best: CapacityStep | undefined;
  let failedAt: number | undefined;
  let rateRps = search.startRps;
  const stepS = search.stepDurationMs / 1000;
  let ratesTried = 0;
  let confirming = false;
  while (ratesTried < search.maxSteps) {
    const stepPlan: ResolvedPlan = {
      ...plan,
      pattern: { type: 'poisson', rateRps },
      durationMs: search.stepDurationMs,
      warmupMs: search.warmupMs,
      windowMs: search.stepDurationMs,
      seed: plan.seed + steps.length,
    };
    const { recorder, usage } = await executeLocal(stepPlan, session, clock);
    const measured = {
      rateRps,
      offeredRps: (recorder.sent + recorder.dropped) / stepS,
      achievedRps: recorder.okInWindow / stepS,
      p99Ms: percentilesMs(recorder.latency)?.p99 ?? null,
      errorRate: recorder.sent > 0 ? recorder.errors / recorder.sent : 1,
      dropped: recorder.dropped,
    };
    const failure = stepFailure(measured, judge);
    const { dropped: _dropped, ...fields } = measured;
    if (failure !== null && !confirming) {
      steps.push({ ...fields, passed: false, note: `${failure}; measured again`, measuredAgain: true });
      confirming = true;
      continue;
    }
    confirming = false;
    ratesTried++;
    const step: CapacityStep = { ...fields, passed: failure === null, note: failure };
    steps.push(step);
    if (step.passed && (!best || step.rateRps > best.rateRps)) best = step;
    if (!step.passed) failedAt = Math.min(failedAt ?? Infinity, rateRps);
    // Raising the rate further would measure the generator, not the target. (On a virtual clock the
    // process's CPU per wall second says nothing about the run.)
    if (step.passed && clock === systemClock && generatorSaturated(usage)) {
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
      `capacity search found no rate the target sustains under p99 ≤ ${bound.maxP99Ms} ms (${bound.boundRule}): ${first ? `${first.rateRps.toFixed(1)} req/s failed (${first.note})` : 'no steps ran'}, and so did every lower rate tried`,
      'unavailable',
    );
  }
  if (failedAt === undefined) warnings.push(`the search ran out of steps at ${best.rateRps.toFixed(1)} req/s without saturating the target; capacity is a lower bound`);
  else if ((failedAt - best.rateRps) / best.rateRps > search.precision) {
    warnings.push(`the search ran out of steps with the bracket ${best.rateRps.toFixed(1)}–${failedAt.toFixed(1)} req/s still wider than ${search.precision * 100}%`);
  }
  return {
    capacityRps: best.rateRps,
    achievedRps: best.achievedRps,
    saturatedAtRps: failedAt ?? null,
    maxP99Ms: bound.maxP99Ms,
    boundSource: bound.boundSource,
    boundRule: bound.boundRule,
    unloaded: bound.unloaded,
    maxErrorRate: search.maxErrorRate,
    minAchievedFraction: search.minAchievedFraction,
    precision: search.precision,
    steps,
    warnings,
  };
}
