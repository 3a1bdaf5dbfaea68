/**
 * Runs one resolved plan in this process: builds the schedule (open loop) or the clients (closed loop),
 * drives the target and returns the recorder with this process's resource use. A fan-out share takes every
 * count-th arrival of the same schedule (and its part of the concurrency and in-flight cap).
 */
import type { Clock } from '../core/clock.js';
import { runClosedLoop } from './closed-loop.js';
import type { LoadPlan } from './load-options.js';
import { runOpenLoop } from './open-loop.js';
import type { LoadPattern } from './pattern.js';
import { LoadRecorder } from './recorder.js';
import { generateSchedule, type Schedule } from './schedule.js';
import { UsageMeter, type GeneratorUsage } from './self-check.js';
import type { TargetSession } from './target-session.js';

export interface Share {
  readonly index: number;
  readonly count: number;
}

export interface LocalRun {
  readonly recorder: LoadRecorder;
  readonly usage: GeneratorUsage;
}

export type ResolvedPlan = Omit<LoadPlan, 'pattern'> & { readonly pattern: LoadPattern };

export async function executeLocal(
  plan: ResolvedPlan,
  session: Pick<TargetSession, 'client' | 'requests'>,
  clock: Clock,
  options: { share?: Share; startMs?: number } = {},
): Promise<LocalRun> {
  const share = options.share ?? { index: 0, count: 1 };
  const recorder = new LoadRecorder({ measureStartMs: plan.warmupMs, endMs: plan.warmupMs + plan.durationMs, windowMs: plan.windowMs });
  const context = {
    client: session.client,
    requests: session.requests,
    clock,
    recorder,
    startMs: options.startMs ?? clock.nowMs(),
    timeoutMs: plan.timeoutMs,
  };
  const { pattern } = plan;
  if (pattern.type === 'closed') {
    const concurrency = Math.floor(pattern.concurrency / share.count) + (share.index < pattern.concurrency % share.count ? 1 : 0);
    const meter = new UsageMeter();
    if (concurrency > 0) {
      await runClosedLoop(context, { concurrency, thinkTimeMs: pattern.thinkTimeMs, measureStartMs: plan.warmupMs, endMs: plan.warmupMs + plan.durationMs });
    }
    return { recorder, usage: meter.read() };
  }
  const schedule = shareOf(generateSchedule(pattern, { durationMs: plan.durationMs, warmupMs: plan.warmupMs, seed: plan.seed }), share);
  const meter = new UsageMeter();
  await runOpenLoop(schedule, context, { inFlightCap: Math.ceil(plan.inFlightCap / share.count) });
  return { recorder, usage: meter.read() };
}

function shareOf(schedule: Schedule, share: Share): Schedule {
  if (share.count === 1) return schedule;
  const picked: number[] = [];
  let warmupCount = 0;
  for (let index = share.index; index < schedule.offsetsMs.length; index += share.count) {
    picked.push(schedule.offsetsMs[index]!);
    if (index < schedule.warmupCount) warmupCount++;
  }
  return { ...schedule, offsetsMs: Float64Array.from(picked), warmupCount };
}
