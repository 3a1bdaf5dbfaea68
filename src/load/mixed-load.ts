/**
 * A mixed load: several models served by one server, each with its own workload and arrival stream, sent
 * together by one run of the generator. Every member's schedule is generated in full before the clock starts,
 * from a seed of its own (memberSeed), and all members start at the same instant; each keeps its own recorder,
 * so latencies, errors and the verdict are per model, and the combined throughput is their sum.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { ServelabError } from '../core/errors.js';
import { createRng } from '../core/random.js';
import type { InferenceClient, Protocol } from '../core/target.js';
import { executeLocal, type LocalRun, type ResolvedPlan } from './execute.js';
import { resolveLoadPlan, type LoadPlan } from './load-options.js';
import { patternProblems, resolvePatternRates } from './pattern.js';
import type { SampleSource } from './run-context.js';
import { summarize, type LoadSummary } from './summary.js';
import { openTargetSession, type TargetSession } from './target-session.js';

export interface MixedMember {
  readonly model: string;
  readonly workload?: string;
  readonly pattern: 'poisson' | 'constant' | 'closed';
  /** Open loop: the member's own arrival rate (stress levels already resolved). */
  readonly rateRps?: number;
  /** Closed loop: the member's own clients. */
  readonly concurrency?: number;
  readonly thinkTimeMs?: number;
  readonly samplePoolSize?: number;
  /** A ready client instead of the run's target and protocol (tests). */
  readonly client?: InferenceClient;
  /** Request tensors instead of the workload (tests). */
  readonly samples?: SampleSource;
}

export interface MixedLoadOptions {
  readonly target?: string;
  readonly protocol?: Protocol;
  readonly members: readonly MixedMember[];
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly seed: number;
  readonly clock?: Clock;
  /** Called once when the measured part of every member begins (warmupMs after the common start). */
  readonly onLoadStart?: () => void;
}

export interface MixedLoadSummary {
  /** One summary per member, in the order given. */
  readonly members: readonly LoadSummary[];
  readonly combined: {
    /** Successful completions of all members per second. */
    readonly achievedRps: number;
    /** Open-loop members' scheduled requests per second; null when any member runs a closed loop. */
    readonly offeredRps: number | null;
    readonly requests: number;
    readonly completed: number;
    readonly errors: number;
    readonly dropped: number;
    /** Every member's own run was VALID. */
    readonly valid: boolean;
  };
}

/**
 * The seed of a member's streams (arrivals, sample order): from the run's seed and the model's name, so members
 * of one run never share a stream, and a model gets the same arrivals alone as when co-served (its solo and
 * co-served runs then differ by the other models only).
 */
export function memberSeed(seed: number, model: string): number {
  return createRng(seed, `co-served:${model}`).int(2 ** 31);
}

export async function runMixedLoad(options: MixedLoadOptions): Promise<MixedLoadSummary> {
  const { members, clock = systemClock } = options;
  if (members.length === 0) throw new ServelabError('a mixed load needs at least one member (a model with its workload and rate)');
  const models = members.map((member) => member.model);
  const repeated = models.find((model, index) => models.indexOf(model) !== index);
  if (repeated !== undefined) throw new ServelabError(`a mixed load sends each model one stream, but '${repeated}' is given twice`);
  const plans = members.map((member) => memberPlan(options, member));
  const sessions: TargetSession[] = [];
  try {
    for (const [index, member] of members.entries()) {
      sessions.push(await openTargetSession(plans[index]!, { ...(member.client ? { client: member.client } : {}), ...(member.samples ? { samples: member.samples } : {}) }));
    }
    const resolved = plans.map((plan): ResolvedPlan => ({ ...plan, pattern: resolvePatternRates(plan.pattern, () => Number.NaN) }));
    // One start for every member, taken after all of them are prepared: their streams overlap from the first request.
    const startMs = clock.nowMs();
    const announce = options.onLoadStart ? setTimeout(options.onLoadStart, Math.max(0, options.warmupMs)) : undefined;
    let runs: LocalRun[];
    try {
      runs = await Promise.all(resolved.map((plan, index) => executeLocal(plan, sessions[index]!, clock, { startMs })));
    } finally {
      clearTimeout(announce);
    }
    const summaries = runs.map((run, index) => {
      const plan = resolved[index]!;
      return summarize(run.recorder, {
        pattern: plan.label,
        patternType: plan.pattern.type,
        protocol: sessions[index]!.client.protocol,
        target: sessions[index]!.client.target,
        model: plan.model,
        workload: plan.workload ?? null,
        seed: plan.seed,
        durationMs: plan.durationMs,
        warmupMs: plan.warmupMs,
        usage: [run.usage],
        inFlightCap: plan.pattern.type === 'closed' ? null : plan.inFlightCap,
        maxErrorRate: plan.maxErrorRate,
        latencyBoundMs: plan.latencyBoundMs ?? null,
        capacity: null,
      });
    });
    return { members: summaries, combined: combineMembers(summaries) };
  } finally {
    await Promise.all(sessions.map((session) => session.close()));
  }
}

function memberPlan(options: MixedLoadOptions, member: MixedMember): LoadPlan {
  const shape =
    member.pattern === 'closed'
      ? { pattern: 'closed' as const, concurrency: member.concurrency, ...(member.thinkTimeMs === undefined ? {} : { thinkTimeMs: member.thinkTimeMs }) }
      : { pattern: member.pattern, rateRps: member.rateRps };
  if (shape.pattern !== 'closed' && member.rateRps === undefined) throw new ServelabError(`mixed load member ${member.model}: an open-loop stream needs its rate (rateRps)`);
  const plan = resolveLoadPlan({
    ...(member.client ? {} : { target: options.target, protocol: options.protocol }),
    model: member.model,
    ...(member.workload === undefined ? {} : { workload: member.workload }),
    ...shape,
    ...(member.samplePoolSize === undefined ? {} : { samplePoolSize: member.samplePoolSize }),
    durationMs: options.durationMs,
    warmupMs: options.warmupMs,
    seed: memberSeed(options.seed, member.model),
  });
  const problems = patternProblems(plan.pattern);
  if (problems.length > 0) throw new ServelabError(`mixed load member ${member.model}: ${problems.join('; ')}`);
  return plan;
}

/** The mix as a whole: the members' counts and rates summed; valid when every member's run is. */
export function combineMembers(summaries: readonly LoadSummary[]): MixedLoadSummary['combined'] {
  const sum = (value: (summary: LoadSummary) => number): number => summaries.reduce((total, summary) => total + value(summary), 0);
  const open = summaries.every((summary) => summary.offeredRps !== null);
  return {
    achievedRps: sum((summary) => summary.achievedRps),
    offeredRps: open ? sum((summary) => summary.offeredRps ?? 0) : null,
    requests: sum((summary) => summary.requests),
    completed: sum((summary) => summary.completed),
    errors: sum((summary) => summary.errors.total),
    dropped: sum((summary) => summary.dropped),
    valid: summaries.every((summary) => summary.valid),
  };
}
