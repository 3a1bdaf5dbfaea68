/**
 * Correlation matrices of configurations' performance: across all environments, and across the values of each
 * context dimension (models, workloads, load levels) with the other two dimensions held equal, so that e.g.
 * the workload matrix compares the same configuration on the same model under the same load.
 */
import { pearson } from './stats/correlation.js';
import type { PreparedStudy } from './prepare.js';
import { MIN_COMMON_CONFIGURATIONS } from './transfer-support.js';
import type { CorrelationMatrix } from './types.js';

const DIMENSIONS = ['model', 'workload', 'load'] as const;

export function correlationMatrices(study: PreparedStudy): CorrelationMatrix[] {
  const matrices: CorrelationMatrix[] = [];
  for (const objective of study.objectives) {
    const m = study.metrics.indexOf(objective.metric);
    if (study.environments.length >= 2) {
      const series = new Map(study.environments.map((env) => [env.key, new Map(study.groupsByEnvironment.get(env.key)!.map((g) => [g.configIndex, g.means[m]!]))]));
      matrices.push(matrix(objective.metric, 'environment', series));
    }
    for (const dimension of DIMENSIONS) {
      const position = DIMENSIONS.indexOf(dimension);
      const series = new Map<string, Map<number, number>>();
      const restIndex = new Map<string, number>();
      const configurations = study.configurationKeys.length;
      for (const group of study.groups) {
        const parts = group.environment.split('|');
        const label = parts[position] ?? '-';
        const rest = parts.filter((_, i) => i !== position).join('|');
        if (!restIndex.has(rest)) restIndex.set(rest, restIndex.size);
        const entry = series.get(label) ?? new Map<number, number>();
        entry.set(restIndex.get(rest)! * configurations + group.configIndex, group.means[m]!);
        series.set(label, entry);
      }
      if (series.size >= 2) matrices.push(matrix(objective.metric, dimension, series));
    }
  }
  return matrices;
}

function matrix(metric: string, across: CorrelationMatrix['across'], series: ReadonlyMap<string, ReadonlyMap<number, number>>): CorrelationMatrix {
  const labels = [...series.keys()].sort();
  const values = labels.map((a) => labels.map((b) => {
    if (a === b) return 1;
    const left = series.get(a)!;
    const right = series.get(b)!;
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [key, value] of left) {
      const other = right.get(key);
      if (other !== undefined) {
        xs.push(value);
        ys.push(other);
      }
    }
    return xs.length >= MIN_COMMON_CONFIGURATIONS ? pearson(xs, ys) : Number.NaN;
  }));
  return { metric, across, labels, values };
}
