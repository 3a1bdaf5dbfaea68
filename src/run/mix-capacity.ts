/**
 * The capacity of a co-served group: the largest common fraction of each model's own solo capacity that one
 * default-settings server serves for all of them at once, every model within its own bounds (p99 under the bound
 * of its solo search, at least 95% of its offered rate achieved, errors under the study's limit). Found as the
 * solo search is: the fraction doubles until a step fails, then a binary search narrows the bracket. Stored as a
 * capacity record named after the group (model: 'a+b', workload: their workloads joined with '+'), whose rate is
 * the combined rate at that fraction. It says how far consolidation falls short of serving every model at its
 * solo capacity; stress levels stay fractions of each model's solo capacity, so every group is offered the same.
 */
import { ServelabError } from '../core/errors.js';
import type { LoadSummary } from '../load/summary.js';
import { CO_SERVED_SEPARATOR, type CoServedGroup } from '../plan/colocation.js';
import type { Study } from '../plan/study-schema.js';
import type { CapacityRecord } from '../store/types.js';
import { runMixedWith } from './mixed-run.js';
import { servedModelName } from './measure-trial.js';
import { oneLine, startSession, type ServerSession } from './server-session.js';
import { protocolOf } from './trial-plan.js';
import type { UnitContext } from './trial-unit.js';

export interface FractionSearchOptions {
  readonly startFraction: number;
  readonly maxFraction: number;
  /** Stop when the bracket is this narrow relative to its low end. */
  readonly precision: number;
  readonly maxSteps: number;
}

export const DEFAULT_FRACTION_SEARCH: FractionSearchOptions = { startFraction: 0.25, maxFraction: 2, precision: 0.05, maxSteps: 10 };

export interface FractionStep {
  readonly fraction: number;
  readonly passed: boolean;
}

/** The highest fraction that passed (0 when none did), by doubling then bisection; every step is kept. */
export async function searchFraction(passes: (fraction: number) => Promise<boolean>, options: FractionSearchOptions = DEFAULT_FRACTION_SEARCH): Promise<{ fraction: number; steps: FractionStep[] }> {
  const steps: FractionStep[] = [];
  const attempt = async (fraction: number): Promise<boolean> => {
    const passed = await passes(fraction);
    steps.push({ fraction, passed });
    return passed;
  };
  let low = 0;
  let high: number | undefined;
  let fraction = options.startFraction;
  // Below the start: halve until a step passes (a group that cannot serve a quarter of every solo capacity).
  while (steps.length < options.maxSteps && !(await attempt(fraction))) {
    high = fraction;
    fraction /= 2;
    if (fraction < options.startFraction / 16) return { fraction: 0, steps };
  }
  if (steps.at(-1)?.passed) low = fraction;
  while (high === undefined && steps.length < options.maxSteps && low < options.maxFraction) {
    const next = Math.min(low * 2, options.maxFraction);
    if (await attempt(next)) low = next;
    else high = next;
  }
  while (high !== undefined && low > 0 && (high - low) / low > options.precision && steps.length < options.maxSteps) {
    const middle = (low + high) / 2;
    if (await attempt(middle)) low = middle;
    else high = middle;
  }
  return { fraction: low, steps };
}

interface MemberCapacity {
  readonly model: string;
  readonly workload: string;
  readonly soloCapacityRps: number;
  readonly maxP99Ms?: number;
}

/** Why a member's step failed, or null when it passed. */
export function memberStepProblem(summary: LoadSummary, maxP99Ms: number | undefined, maxErrorRate: number): string | null {
  if (summary.completed === 0) return 'nothing completed';
  const offered = summary.offeredRps ?? 0;
  if (offered > 0 && summary.achievedRps < 0.95 * offered) return `achieved ${summary.achievedRps.toFixed(1)} of ${offered.toFixed(1)} req/s offered`;
  const errorRate = summary.requests > 0 ? summary.errors.total / summary.requests : 0;
  if (errorRate > maxErrorRate) return `error rate ${(errorRate * 100).toFixed(1)}%`;
  const p99 = summary.latencyMs?.p99;
  if (maxP99Ms !== undefined && (p99 === undefined || p99 > maxP99Ms)) return `p99 ${p99?.toFixed(1) ?? '–'} ms over its bound of ${maxP99Ms.toFixed(1)} ms`;
  return null;
}

/** Measures and stores the capacity of a co-served group, once every model's solo capacity is stored. */
export async function measureMixCapacity(context: Omit<UnitContext, 'onTrialStarted' | 'onTrialEnded'>, group: CoServedGroup): Promise<CapacityRecord> {
  const { study } = context.settings;
  const members = await soloCapacities(context, study, group);
  let session: ServerSession | undefined;
  try {
    session = await startSession(context.settings, {}, group.models[0]!, group.models);
    const ready = session;
    const maxErrorRate = study.load.capacity.maxErrorRate ?? 0.01;
    const detail: { fraction: number; problems: Record<string, string> }[] = [];
    const search = await searchFraction(async (fraction) => {
      const mixed = await runMixedWith(context.driver, {
        target: { http: ready.ready.http, grpc: ready.ready.grpc },
        protocol: protocolOf({}, study),
        members: members.map((member) => ({
          model: servedModelName(ready, member.model),
          workload: member.workload,
          point: { label: 'capacity', pattern: 'poisson' as const },
          rateRps: fraction * member.soloCapacityRps,
        })),
        durationMs: study.load.capacity.stepDurationMs,
        warmupMs: 500,
        seed: study.seed,
      });
      const problems: Record<string, string> = {};
      mixed.members.forEach((summary, index) => {
        const problem = memberStepProblem(summary, members[index]!.maxP99Ms, maxErrorRate);
        if (problem) problems[members[index]!.model] = problem;
      });
      detail.push({ fraction, problems });
      return Object.keys(problems).length === 0;
    });
    const record: CapacityRecord = {
      model: group.name,
      workload: members.map((member) => member.workload).join(CO_SERVED_SEPARATOR),
      capacityRps: members.reduce((sum, member) => sum + search.fraction * member.soloCapacityRps, 0),
      method:
        `the models served together, each at a common fraction of its own solo capacity: highest fraction (${search.fraction.toFixed(3)}) at which every model kept its ` +
        `solo search's p99 bound, >= 95% of its offered rate and errors <= ${(maxErrorRate * 100).toFixed(1)}%; doubling, then binary search`,
      details: { fraction: search.fraction, members, steps: search.steps.map((step, index) => ({ ...step, problems: detail[index]?.problems ?? {} })) },
    };
    await context.store.saveCapacity(study.name, record);
    return record;
  } catch (error) {
    throw new ServelabError(`cannot measure the capacity of ${group.name} served together: ${oneLine(error)}`, 'unavailable');
  } finally {
    await session?.stop();
  }
}

async function soloCapacities(context: Pick<UnitContext, 'store'>, study: Study, group: CoServedGroup): Promise<MemberCapacity[]> {
  const members: MemberCapacity[] = [];
  for (const model of group.models) {
    const workload = study.colocation?.workloads[model];
    const solo = workload === undefined ? undefined : await context.store.capacity(study.name, model, workload);
    if (!solo || workload === undefined) throw new ServelabError(`the capacity of ${group.name} needs the solo capacity of ${model} first`, 'internal');
    const bound = study.load.capacity.maxP99Ms ?? (solo.details as { maxP99Ms?: unknown } | undefined)?.maxP99Ms;
    members.push({ model, workload, soloCapacityRps: solo.capacityRps, ...(typeof bound === 'number' ? { maxP99Ms: bound } : {}) });
  }
  return members;
}
