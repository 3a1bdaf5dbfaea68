/**
 * The load generator's entry points: runLoad (one measured run) and findCapacity (saturation throughput).
 * Both check everything they can before sending load, and close what they open.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { ServelabError } from '../core/errors.js';
import type { InferenceClient } from '../core/target.js';
import { searchCapacity, type CapacityResult } from './capacity.js';
import { executeLocal, type ResolvedPlan } from './execute.js';
import { fanOut } from './fan-out.js';
import { DEFAULT_STRESS_FRACTIONS } from '../core/load-vocabulary.js';
import { levelRate } from './levels.js';
import { resolveLoadPlan, type LoadOptionsInput, type LoadPlan } from './load-options.js';
import { patternProblems, resolvePatternRates, usesStressLevels, type PatternSpec, type PatternType } from './pattern.js';
import type { SampleSource } from './run-context.js';
import { summarize, type LoadSummary } from './summary.js';
import { openTargetSession, type TargetSession } from './target-session.js';

export interface RunLoadOptions extends Omit<LoadOptionsInput, 'pattern'> {
  /** A pattern type with the shorthand fields (rateRps, level, concurrency, levels + stepDurationMs), or a pattern object. */
  readonly pattern: PatternType | PatternSpec;
  /** A ready client instead of target + protocol (left open). */
  readonly client?: InferenceClient;
  /** Request tensors instead of a workload name. */
  readonly samples?: SampleSource;
  /** Injected time source (tests use a VirtualClock); defaults to the system clock. */
  readonly clock?: Clock;
  /**
   * Called when the measured part of the run begins: once the target is checked and the requests are prepared,
   * warmupMs after the first request of the schedule. Meters that must cover the measured load and nothing else
   * (energy, CPU time) start here.
   */
  readonly onLoadStart?: () => void;
}

export type FindCapacityOptions = Omit<RunLoadOptions, 'pattern' | 'onLoadStart' | 'rateRps' | 'level' | 'levels' | 'concurrency' | 'thinkTimeMs' | 'stepDurationMs'>;

export async function runLoad(options: RunLoadOptions): Promise<LoadSummary> {
  const { client, samples, clock = systemClock, onLoadStart, ...input } = options;
  const plan = resolveLoadPlan(input);
  if (plan.processes > 1 && (client || samples || clock !== systemClock)) {
    throw new ServelabError('processes > 1 needs a target, protocol and workload name (each process opens its own client) and the system clock');
  }
  const session = await openTargetSession(plan, { ...(client ? { client } : {}), ...(samples ? { samples } : {}) });
  try {
    let capacity: LoadSummary['capacity'] = null;
    let resolvedCapacityRps: number | undefined = plan.capacityRps;
    if (usesStressLevels(plan.pattern)) {
      const measured = resolvedCapacityRps === undefined;
      resolvedCapacityRps ??= (await searchCapacity(plan, session, clock)).capacityRps;
      capacity = { capacityRps: resolvedCapacityRps, measured, fractions: { ...DEFAULT_STRESS_FRACTIONS, ...plan.fractions } };
    }
    const pattern = resolvePatternRates(plan.pattern, (level) => levelRate(level, resolvedCapacityRps!, plan.fractions ?? {}));
    const problems = patternProblems(pattern);
    if (problems.length > 0) throw new ServelabError(`invalid load after resolving stress levels: ${problems.join('; ')}`);
    const resolved: ResolvedPlan = { ...plan, pattern };
    collectGarbage();
    const measuredStart = announceMeasuredStart(onLoadStart, plan.warmupMs);
    const run =
      plan.processes > 1
        ? await fanOut(resolved, plan.processes)
        : await executeLocal(resolved, session, clock).then((local) => ({ recorder: local.recorder, usage: [local.usage] }));
    clearTimeout(measuredStart);
    return summarize(run.recorder, {
      pattern: plan.label,
      patternType: pattern.type,
      protocol: session.client.protocol,
      target: session.client.target,
      model: plan.model,
      workload: plan.workload ?? null,
      seed: plan.seed,
      durationMs: plan.durationMs,
      warmupMs: plan.warmupMs,
      usage: run.usage,
      inFlightCap: pattern.type === 'closed' ? null : plan.inFlightCap,
      maxErrorRate: plan.maxErrorRate,
      latencyBoundMs: plan.latencyBoundMs ?? null,
      capacity,
    });
  } finally {
    await session.close();
  }
}

/** Measures the target's saturation throughput (see capacity.ts); levels are fractions of it. */
export async function findCapacity(options: FindCapacityOptions): Promise<CapacityResult> {
  const { client, samples, clock = systemClock, ...input } = options;
  const plan: LoadPlan = resolveLoadPlan({ ...input, pattern: 'poisson', rateRps: 1 });
  const session: TargetSession = await openTargetSession(plan, { ...(client ? { client } : {}), ...(samples ? { samples } : {}) });
  try {
    return await searchCapacity(plan, session, clock);
  } finally {
    await session.close();
  }
}

/**
 * A full garbage collection now, where the process allows it (node --expose-gc, as the pinned generator runs):
 * the workload's data and the prepared requests make a heap whose major collection pauses for 100 ms or more,
 * which would otherwise land inside the measured window and delay every send behind it.
 */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}

/** Calls back when the measured part begins: now, or after the in-run warm-up (a timer: a millisecond late at most). */
function announceMeasuredStart(onLoadStart: (() => void) | undefined, warmupMs: number): NodeJS.Timeout | undefined {
  if (!onLoadStart) return undefined;
  if (warmupMs <= 0) {
    onLoadStart();
    return undefined;
  }
  return setTimeout(onLoadStart, warmupMs);
}
