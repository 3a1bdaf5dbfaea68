/** Parsing and checking `--objectives p99_ms:min,energy_j_per_inf:min`. */
import { ServelabError } from '../core/errors.js';
import { metricInfo } from '../core/metric.js';
import type { Objective } from './types.js';

/** Objectives used when none are given, in order of preference; the first two present in the data are used. */
export const DEFAULT_OBJECTIVES = ['p99_ms', 'energy_j_per_inf', 'achieved_rps', 'p50_ms', 'mean_ms'];

export function parseObjectives(text: string): Objective[] {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) throw new ServelabError(`--objectives is empty; expected e.g. p99_ms:min,energy_j_per_inf:min`);
  return parts.map((part) => {
    const [metric, direction, extra] = part.split(':').map((s) => s.trim());
    if (!metric || extra !== undefined) throw new ServelabError(`objective '${part}' is malformed; expected METRIC or METRIC:min or METRIC:max`);
    if (direction === undefined || direction === '') return { metric, direction: defaultDirection(metric) };
    if (direction !== 'min' && direction !== 'max') {
      throw new ServelabError(`objective '${part}' has direction '${direction}'; expected min or max`);
    }
    return { metric, direction };
  });
}

export function defaultDirection(metric: string): 'min' | 'max' {
  return metricInfo(metric)?.better === 'higher' ? 'max' : 'min';
}

/** Checks objectives against the metrics in the data, or picks defaults when none were requested. */
export function resolveObjectives(requested: readonly Objective[] | undefined, metrics: readonly string[]): Objective[] {
  if (requested && requested.length > 0) {
    for (const objective of requested) {
      if (!metrics.includes(objective.metric)) {
        throw new ServelabError(`unknown objective '${objective.metric}'; the metrics in this source are: ${metrics.join(', ')}`);
      }
    }
    const names = requested.map((o) => o.metric);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated) throw new ServelabError(`objective '${repeated}' is given twice`);
    return [...requested];
  }
  const preferred = DEFAULT_OBJECTIVES.filter((metric) => metrics.includes(metric));
  const chosen = (preferred.length > 0 ? preferred : [...metrics]).slice(0, 2);
  if (chosen.length < 2) for (const metric of metrics) if (!chosen.includes(metric) && chosen.length < 2) chosen.push(metric);
  return chosen.map((metric) => ({ metric, direction: defaultDirection(metric) }));
}
