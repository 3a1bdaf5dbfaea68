/**
 * A trial's metrics (names from core/metric.ts) from what was measured over one load level's steady window:
 * the load summary, the server process's CPU time and peak memory, and the energy reading.
 */
import type { MetricName } from '../core/metric.js';
import type { EnergyReading } from '../energy/meter.js';
import type { LoadSummary } from '../load/summary.js';
import { componentMetric, LATENCY_COMPONENTS } from '../core/latency-components.js';
import { verdictReason, type VerdictReason } from '../core/verdict-reason.js';
import type { Study } from '../plan/study-schema.js';
import { stealVerdict } from './cpu-steal.js';

export interface ProcessUsage {
  /** Server CPU seconds over the window, all threads. */
  readonly cpuSeconds: number;
  readonly windowMs: number;
  readonly peakRssMb?: number;
}

export type TrialMetrics = Partial<Record<MetricName, number>>;

export function trialMetrics(summary: LoadSummary, usage: ProcessUsage | undefined, energy: EnergyReading | undefined): TrialMetrics {
  const metrics: TrialMetrics = {};
  const latency = summary.latencyMs;
  if (latency) {
    metrics.p50_ms = latency.p50;
    metrics.p90_ms = latency.p90;
    metrics.p95_ms = latency.p95;
    metrics.p99_ms = latency.p99;
    metrics.p999_ms = latency.p999;
    metrics.mean_ms = latency.mean;
    metrics.max_ms = latency.max;
  }
  metrics.achieved_rps = summary.achievedRps;
  metrics.error_rate = summary.requests > 0 ? summary.errors.total / summary.requests : 0;
  metrics.dropped = summary.dropped;
  if (summary.server && summary.server.responses > 0) {
    metrics.server_queue_ms = summary.server.queueUs.mean / 1000;
    metrics.server_compute_ms = summary.server.computeUs.mean / 1000;
    metrics.mean_batch_size = summary.server.meanBatchSize;
    metrics.cache_hit_rate = summary.server.cacheHitRate;
    const bands = summary.server.decompositionMs;
    if (bands) {
      for (const band of ['mean', 'p50', 'p99'] as const) {
        for (const part of LATENCY_COMPONENTS) metrics[componentMetric(band, part.key)] = bands[band][part.key];
      }
    }
  }
  if (usage && usage.windowMs > 0) metrics.cpu_util = usage.cpuSeconds / (usage.windowMs / 1000);
  if (usage?.peakRssMb !== undefined) metrics.rss_mb = usage.peakRssMb;
  if (energy) {
    metrics.power_w = energy.powerW;
    metrics.energy_j = energy.energyJ;
    if (summary.completed > 0) metrics.energy_j_per_inf = energy.energyJ / summary.completed;
  }
  return metrics;
}

/**
 * A trial's verdict: the load generator's own, the study's constraints on the trial's metrics, and the steal on its
 * CPUs (over `validity.maxCpuSteal` it invalidates the trial; below it, a notable share is named beside other reasons).
 */
export function trialVerdict(
  run: Pick<LoadSummary, 'valid' | 'reasons'>,
  metrics: TrialMetrics,
  study: Pick<Study, 'constraints' | 'validity'>,
  steal: number | undefined,
): { readonly valid: boolean; readonly verdictReasons: VerdictReason[] } {
  const constraints = constraintReasons(metrics, study.constraints);
  const validOtherwise = run.valid && constraints.length === 0;
  const machine = stealVerdict(steal, study.validity.maxCpuSteal, !validOtherwise);
  return { valid: validOtherwise && !machine.invalidates, verdictReasons: [...run.reasons, ...constraints, ...machine.reasons] };
}

/** Study constraints (min/max on a metric) checked after the load's own verdict. */
export function constraintReasons(metrics: TrialMetrics, constraints: readonly { metric: string; min?: number | undefined; max?: number | undefined }[]): VerdictReason[] {
  const reasons: VerdictReason[] = [];
  for (const constraint of constraints) {
    const value = metrics[constraint.metric as MetricName];
    if (value === undefined) {
      reasons.push(verdictReason('constraint', `constraint on ${constraint.metric}: not measured`));
      continue;
    }
    if (constraint.max !== undefined && value > constraint.max) reasons.push(verdictReason('constraint', `${constraint.metric} ${round(value)} exceeds the constraint max ${constraint.max}`));
    if (constraint.min !== undefined && value < constraint.min) reasons.push(verdictReason('constraint', `${constraint.metric} ${round(value)} is below the constraint min ${constraint.min}`));
  }
  return reasons;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Coefficient of variation (sample standard deviation / mean) per metric over repetitions; needs two or more. */
export function coefficientsOfVariation(repetitions: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (repetitions.length < 2) return out;
  const names = new Set(repetitions.flatMap((metrics) => Object.keys(metrics)));
  for (const name of names) {
    const values = repetitions.map((metrics) => metrics[name]).filter((value): value is number => value !== undefined && Number.isFinite(value));
    if (values.length < 2) continue;
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    if (mean === 0) continue;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
    out[name] = Math.sqrt(variance) / Math.abs(mean);
  }
  return out;
}
