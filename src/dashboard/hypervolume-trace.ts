/**
 * How the sampler converges: each environment's normalized hypervolume after every completed trial, in the
 * order trials finished. The scale is the analysis' own (its ideal and reference points over all completed
 * trials), so the last value of each line is the analysis' normalized hypervolume of that environment. Points
 * are configuration means over the valid repetitions finished so far.
 */
import { hypervolume, paretoFrontIndices } from '../core/pareto.js';
import type { ParetoResult } from '../analysis/types.js';
import type { DashboardRow } from './types.js';

/** At most this many points per line: a study of 10,000 trials is checked at evenly spaced counts. */
export const MAX_TRACE_POINTS = 100;

export interface TracePoint {
  readonly environment: string;
  /** Trials of the whole study finished (completed or failed) when this value was reached. */
  readonly trials: number;
  readonly normalizedHypervolume: number;
}

export interface TraceObjective {
  readonly metric: string;
  readonly direction: 'min' | 'max';
}

export function hypervolumeTrace(rows: readonly DashboardRow[], objectives: readonly TraceObjective[], pareto: readonly ParetoResult[]): TracePoint[] {
  const finished = rows.filter((row) => row.finishedAt && (row.state === 'completed' || row.state === 'failed')).sort((a, b) => a.finishedAt!.localeCompare(b.finishedAt!));
  const scales = new Map(pareto.map((result) => [result.environment, result]));
  const byEnvironment = new Map<string, { order: number; row: DashboardRow }[]>();
  finished.forEach((row, index) => {
    const environment = `${row.model}|${row.workload}|${row.load}`;
    if (row.verdict !== 'valid' || !scales.has(environment)) return;
    if (objectives.some((objective) => !Number.isFinite(row.metrics[objective.metric]))) return;
    const list = byEnvironment.get(environment) ?? [];
    list.push({ order: index + 1, row });
    byEnvironment.set(environment, list);
  });
  const points: TracePoint[] = [];
  for (const [environment, entries] of byEnvironment) {
    const result = scales.get(environment)!;
    const normalize = normalizer(objectives, result);
    const step = Math.max(1, Math.ceil(entries.length / MAX_TRACE_POINTS));
    const sums = new Map<string, { total: number[]; n: number }>();
    entries.forEach((entry, index) => {
      const sum = sums.get(entry.row.config) ?? { total: objectives.map(() => 0), n: 0 };
      objectives.forEach((objective, j) => (sum.total[j]! += entry.row.metrics[objective.metric]!));
      sum.n += 1;
      sums.set(entry.row.config, sum);
      if ((index + 1) % step !== 0 && index !== entries.length - 1) return;
      const normalized = [...sums.values()].map((value) => normalize(value.total.map((total) => total / value.n)));
      const front = paretoFrontIndices(normalized).map((i) => normalized[i]!);
      points.push({ environment, trials: entry.order, normalizedHypervolume: hypervolume(front, objectives.map(() => 1)) });
    });
  }
  return points;
}

/**
 * Objective means to the analysis' [0, 1] minimization scale: 0 at the ideal point, 1 at the reference point.
 * A mean better than today's ideal (a configuration measured again since) counts as the ideal, so no earlier
 * value exceeds 1.
 */
function normalizer(objectives: readonly TraceObjective[], result: ParetoResult): (means: readonly number[]) => number[] {
  return (means) =>
    means.map((value, j) => {
      const sign = objectives[j]!.direction === 'max' ? -1 : 1;
      const ideal = sign * result.idealPoint[j]!;
      const span = sign * result.referencePoint[j]! - ideal || 1;
      return Math.max(0, (sign * value - ideal) / span);
    });
}
