/** The result of one load run, summarised from its (possibly merged) recorder. */
import type { Protocol } from '../core/target.js';
import { percentilesMs, type PercentilesMs } from './histogram.js';
import type { PatternType } from './pattern.js';
import { percentileSupport, type PercentileName, type PercentileSupport } from './percentile-support.js';
import type { LoadRecorder } from './recorder.js';
import { generatorWarnings, type GeneratorUsage } from './self-check.js';
import { judgeStability, type Stability } from './stability.js';
import { judgeRun } from './verdict.js';
import type { LatencyBand } from '../core/latency-components.js';
import type { VerdictReason } from '../core/verdict-reason.js';
import type { LatencyParts } from './latency-decomposition.js';

export type LatencySummary = Omit<PercentilesMs, 'count'>;

export interface WindowSummary {
  readonly startMs: number;
  readonly endMs: number;
  /** Requests scheduled (open loop) or sent (closed loop) in the window, per second. */
  readonly offeredRps: number;
  readonly achievedRps: number;
  readonly errors: number;
  readonly dropped: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly meanMs: number | null;
}

export interface ServerTimingSummary {
  /** Responses that carried server timing (servers other than servelab's may send none). */
  readonly responses: number;
  readonly queueUs: { readonly mean: number; readonly p50: number; readonly p99: number };
  readonly computeUs: { readonly mean: number; readonly p50: number; readonly p99: number };
  readonly meanBatchSize: number;
  readonly cacheHitRate: number;
  /** Mean parts of the latency (ms) over all timed requests and the p50 and p99 bands (latency-decomposition.ts). */
  readonly decompositionMs: Readonly<Record<LatencyBand, LatencyParts>> | null;
}

/** What a run was: its pattern, target and model, as the caller names them. */
interface RunIdentity {
  readonly pattern: string;
  readonly patternType: PatternType;
  readonly protocol: Protocol;
  readonly target: string;
  readonly model: string;
  readonly workload: string | null;
  readonly seed: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

export interface LoadSummary extends RunIdentity {
  readonly windowMs: number;
  /** Open loop: measured requests scheduled per second; null for closed loop. */
  readonly offeredRps: number | null;
  /** Successful completions within the measured duration, per second. */
  readonly achievedRps: number;
  /** Measured requests sent (dropped ones excluded). */
  readonly requests: number;
  readonly completed: number;
  readonly errors: {
    readonly total: number;
    readonly byKind: Readonly<Record<string, number>>;
    /** The first message of each kind (timeouts carry none), e.g. what made a response a bad-response. */
    readonly examples?: Readonly<Record<string, string>>;
  };
  readonly dropped: number;
  readonly timeouts: number;
  readonly warmupRequests: number;
  /** From the scheduled send (coordinated-omission safe); null when nothing completed. */
  readonly latencyMs: LatencySummary | null;
  /** From the actual send (uncorrected). */
  readonly serviceTimeMs: LatencySummary | null;
  readonly percentileSupport: Readonly<Record<PercentileName, PercentileSupport>>;
  readonly server: ServerTimingSummary | null;
  readonly windows: readonly WindowSummary[];
  readonly stability: Stability;
  readonly generator: {
    readonly processes: number;
    /** CPU per wall second, summed over generator processes (1 = one core). */
    readonly cpuFraction: number;
    readonly perProcess: readonly GeneratorUsage[];
    readonly scheduleLagMs: { readonly p50: number; readonly p99: number; readonly max: number } | null;
    readonly warnings: readonly string[];
  };
  /** Set when stress levels were resolved against a capacity. */
  readonly capacity: { readonly capacityRps: number; readonly measured: boolean; readonly fractions: Readonly<Record<string, number>> } | null;
  readonly valid: boolean;
  readonly reasons: readonly VerdictReason[];
}

export interface SummaryContext extends RunIdentity {
  readonly usage: readonly GeneratorUsage[];
  readonly inFlightCap: number | null;
  readonly maxErrorRate: number;
  readonly latencyBoundMs: number | null;
  readonly capacity: LoadSummary['capacity'];
}

function withoutCount(stats: PercentilesMs | null): LatencySummary | null {
  if (!stats) return null;
  const { count: _count, ...rest } = stats;
  return rest;
}

export function summarize(recorder: LoadRecorder, context: SummaryContext): LoadSummary {
  const { measureStartMs, endMs, windowMs } = recorder.layout;
  const durationS = context.durationMs / 1000;
  const open = context.patternType !== 'closed';
  const windows = recorder.windows.map((window, index): WindowSummary => {
    const startMs = index * windowMs;
    const windowEndMs = Math.min(endMs - measureStartMs, startMs + windowMs);
    const seconds = (windowEndMs - startMs) / 1000;
    const stats = percentilesMs(window.latency);
    return {
      startMs,
      endMs: windowEndMs,
      offeredRps: window.offered / seconds,
      achievedRps: window.ok / seconds,
      errors: window.errors,
      dropped: window.dropped,
      p50Ms: stats?.p50 ?? null,
      p99Ms: stats?.p99 ?? null,
      meanMs: stats?.mean ?? null,
    };
  });
  const observations = windows.map((window, index) => {
    const tally = recorder.windows[index]!;
    // A trailing window shorter than half the others is too short for the closed-loop rule.
    return { achievedRps: window.achievedRps, p99Ms: window.p99Ms, scheduled: tally.offered, sent: tally.sent, latency: tally.latency, full: window.endMs - window.startMs >= windowMs / 2 };
  });
  const stability = judgeStability(context.patternType, observations, recorder.okInWindow);
  const offeredRps = open ? (recorder.sent + recorder.dropped) / durationS : null;
  const lag = open ? percentilesMs(recorder.lag) : null;
  const scheduleLagMs = lag ? { p50: lag.p50, p99: lag.p99, max: lag.max } : null;
  const warnings = generatorWarnings(context.usage, scheduleLagMs && { p50Ms: scheduleLagMs.p50, p99Ms: scheduleLagMs.p99, maxMs: scheduleLagMs.max });
  const latencyMs = withoutCount(percentilesMs(recorder.latency));
  const errors = { total: recorder.errors, byKind: { ...recorder.errorsByKind }, examples: { ...recorder.errorExamples } };
  const support = percentileSupport(recorder.ok);
  const server = serverTiming(recorder);
  const verdict = judgeRun({
    completed: recorder.ok,
    requests: recorder.sent,
    errors: errors.total,
    dropped: recorder.dropped,
    inFlightCap: context.inFlightCap,
    stability,
    p99Support: support.p99,
    p99Ms: latencyMs?.p99 ?? null,
    latencyBoundMs: context.latencyBoundMs,
    maxErrorRate: context.maxErrorRate,
    generatorWarnings: warnings,
  });
  return {
    pattern: context.pattern,
    patternType: context.patternType,
    protocol: context.protocol,
    target: context.target,
    model: context.model,
    workload: context.workload,
    seed: context.seed,
    durationMs: context.durationMs,
    warmupMs: context.warmupMs,
    windowMs,
    offeredRps,
    achievedRps: recorder.okInWindow / durationS,
    requests: recorder.sent,
    completed: recorder.ok,
    errors,
    dropped: recorder.dropped,
    timeouts: recorder.timeouts,
    warmupRequests: recorder.warmupSent,
    latencyMs,
    serviceTimeMs: withoutCount(percentilesMs(recorder.service)),
    percentileSupport: support,
    server,
    windows,
    stability,
    generator: {
      processes: context.usage.length,
      cpuFraction: context.usage.reduce((total, usage) => total + usage.cpuFraction, 0),
      perProcess: context.usage,
      scheduleLagMs,
      warnings,
    },
    capacity: context.capacity,
    valid: verdict.valid,
    reasons: verdict.reasons,
  };
}

function serverTiming(recorder: LoadRecorder): ServerTimingSummary | null {
  const responses = recorder.serverTimedResponses;
  if (responses === 0) return null;
  const stats = (histogram: LoadRecorder['serverQueueUs']) => ({
    mean: Math.round(histogram.mean),
    p50: histogram.getValueAtPercentile(50),
    p99: histogram.getValueAtPercentile(99),
  });
  return {
    responses,
    queueUs: stats(recorder.serverQueueUs),
    computeUs: stats(recorder.serverComputeUs),
    meanBatchSize: recorder.serverBatchSizeTotal / responses,
    cacheHitRate: recorder.serverCacheHits / responses,
    decompositionMs: recorder.decomposition.summarise(),
  };
}
