/**
 * What a study will take before it runs (`explore --dry-run`): the measured duration of each load point
 * (extended where its percentiles need more requests, refused where the study says so), the trials and the
 * estimated total time. Stress levels get their rates from the capacity search, so their durations are
 * decided when it has run.
 */
import { createSampler } from '../plan/samplers/index.js';
import type { LoadPoint } from '../plan/load-schema.js';
import type { Study } from '../plan/study-schema.js';
import { IN_RUN_WARMUP_MS } from './measure-trial.js';
import { percentileNeed, trialDuration, type PercentileNeed } from './trial-duration.js';
import { trialsPerConfiguration } from './trial-plan.js';

/** Rough start-up cost of one server (process, model load, readiness), for the time estimate only. */
export const SERVER_START_ESTIMATE_MS = 2_000;

export interface PointPlan {
  readonly point: LoadPoint;
  /** Planned measured duration; undefined where it depends on the capacity (stress levels) or closed loop. */
  readonly durationMs?: number;
  readonly note: string;
}

export interface StudyTimePlan {
  readonly configurations: number;
  readonly trials: number;
  readonly servers: number;
  readonly need?: PercentileNeed;
  readonly points: readonly PointPlan[];
  /** Lower bound when some durations depend on the capacity. */
  readonly estimatedMs: number;
  readonly estimateIsLowerBound: boolean;
}

/** Throws (naming the trial) when a load point is too short and the study refuses extensions. */
export function planStudyTime(study: Study): StudyTimePlan {
  const configurations = createSampler(study.sampler, study.space, study.seed, study.objectives).plannedCount;
  const points = study.load.points.map((point): PointPlan => {
    if (point.rateRps === undefined) {
      return { point, note: point.pattern === 'closed' ? 'closed loop: the rate is not known before the run' : 'set when the capacity search has run' };
    }
    const duration = trialDuration(study, point.rateRps, `${point.label} (every model and configuration)`);
    return { point, durationMs: duration.durationMs, note: duration.reason ?? 'as the study asks' };
  });
  // Co-served models share one server and one run of the mixed load per load point (and one warm-up).
  const serversPerRepetition = study.colocation ? study.colocation.groups.length : study.models.length;
  const runsPerServer = study.colocation ? 1 : study.workloads.length;
  const repetitionsPerPoint = configurations * study.repetitions * serversPerRepetition * runsPerServer;
  const servers = configurations * study.repetitions * serversPerRepetition;
  const measuredMs = points.reduce((sum, plan) => sum + ((plan.durationMs ?? study.load.durationMs) + IN_RUN_WARMUP_MS) * repetitionsPerPoint, 0);
  const warmupsMs = servers * runsPerServer * study.load.warmupMs;
  const need = percentileNeed(study);
  return {
    configurations,
    trials: configurations * trialsPerConfiguration(study),
    servers,
    ...(need ? { need } : {}),
    points,
    estimatedMs: measuredMs + warmupsMs + servers * SERVER_START_ESTIMATE_MS,
    estimateIsLowerBound: points.some((plan) => plan.durationMs === undefined),
  };
}

export function formatStudyTimePlan(study: Study, plan: StudyTimePlan): string[] {
  const served = study.colocation
    ? `${study.colocation.groups.length} co-served group(s) of ${study.colocation.groups.map((group) => group.models.length).join('/')} model(s)`
    : `${study.models.length} model(s) x ${study.workloads.length} workload(s)`;
  const lines = [
    `study ${study.name}: ${plan.configurations} configurations x ${study.repetitions} repetition(s) x ${served} x ${plan.points.length} load point(s) = ${plan.trials} trials on ${plan.servers} server starts`,
    plan.need ? `percentiles: ${plan.need.metric} needs ${plan.need.requests} requests per trial (MLPerf LoadGen's count)` : 'percentiles: no latency percentile among the objectives and constraints',
  ];
  for (const { point, durationMs, note } of plan.points) {
    lines.push(`  ${point.label}: ${durationMs === undefined ? `at least ${(study.load.durationMs / 1000).toFixed(1)} s` : `${(durationMs / 1000).toFixed(1)} s`} measured (${note})`);
  }
  const hours = plan.estimatedMs / 3_600_000;
  const total = hours >= 1 ? `${hours.toFixed(1)} h` : `${(plan.estimatedMs / 60_000).toFixed(1)} min`;
  lines.push(
    `estimated time: ${plan.estimateIsLowerBound ? 'at least ' : ''}${total} (measured windows and their first ${IN_RUN_WARMUP_MS / 1000} s, warm-ups of ${(study.load.warmupMs / 1000).toFixed(1)} s per server and workload, ~${SERVER_START_ESTIMATE_MS / 1000} s per server start${study.load.points.some((p) => p.level) ? ', plus the capacity search' : ''})`,
  );
  return lines;
}
