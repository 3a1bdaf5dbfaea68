/**
 * Turns stored trial rows into the per-configuration history a sampler reads: one outcome per configuration,
 * its objective metrics averaged over repetitions within a context, then combined over contexts by the
 * geometric mean (contexts differ in scale, e.g. light vs high load, and each should weigh the same).
 */
import { configurationKey, type Configuration } from '../core/space.js';
import type { TrialRow } from '../core/trial.js';
import type { Objective } from './pareto.js';
import type { TrialOutcome } from './samplers/sampler.js';

export function outcomesFromRows(rows: readonly TrialRow[], objectives: readonly Objective[]): TrialOutcome[] {
  const byConfiguration = new Map<string, { configuration: Configuration; rows: TrialRow[] }>();
  for (const row of rows) {
    const key = configurationKey(row.configuration);
    const entry = byConfiguration.get(key) ?? { configuration: row.configuration, rows: [] };
    entry.rows.push(row);
    byConfiguration.set(key, entry);
  }
  return [...byConfiguration.values()].map(({ configuration, rows: group }) => {
    if (group.some((row) => row.state === 'planned' || row.state === 'running')) return { configuration, state: 'pending' };
    // INVALID completed trials (too few requests behind a percentile, unstable windows) still carry the
    // configuration's measured behaviour, which is what a sampler learns from.
    const completed = group.filter((row) => row.state === 'completed');
    if (completed.length === 0) return { configuration, state: 'failed' };
    const metrics: Record<string, number> = {};
    for (const { metric } of objectives) {
      const value = combineContexts(completed, metric);
      if (value !== undefined) metrics[metric] = value;
    }
    return { configuration, state: 'completed', metrics };
  });
}

function combineContexts(rows: readonly TrialRow[], metric: string): number | undefined {
  const perContext = new Map<string, number[]>();
  for (const row of rows) {
    const value = row.metrics[metric];
    if (value === undefined || !Number.isFinite(value)) continue;
    const key = `${row.context.model}|${row.context.workload}|${row.context.load}|${row.context.coServed ?? ''}`;
    perContext.set(key, [...(perContext.get(key) ?? []), value]);
  }
  const means = [...perContext.values()].map((values) => values.reduce((sum, value) => sum + value, 0) / values.length);
  if (means.length === 0) return undefined;
  if (means.every((value) => value > 0)) return Math.exp(means.reduce((sum, value) => sum + Math.log(value), 0) / means.length);
  return means.reduce((sum, value) => sum + value, 0) / means.length;
}
