/**
 * Each configuration's mean in each context with its 95% confidence interval (Student t over the valid
 * repetitions), for the export: the figure a reader compares configurations by, with the noise beside it.
 * Without repetitions the interval is unknown (null), never zero.
 */
import { mean, variance } from '../analysis/stats/bootstrap.js';
import { tQuantileTwoSided } from '../analysis/stats/distributions.js';
import { configurationKey, type Configuration } from '../core/space.js';
import type { TrialContext, TrialRow } from '../core/trial.js';

export interface MetricSummary {
  readonly mean: number;
  /** Valid repetitions behind the mean. */
  readonly n: number;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
}

export interface ConfigurationSummary {
  readonly configuration: Configuration;
  readonly context: TrialContext;
  readonly metrics: Readonly<Record<string, MetricSummary>>;
}

export const CONFIDENCE_LEVEL = 0.95;

export function summarizeConfigurations(rows: readonly TrialRow[]): ConfigurationSummary[] {
  const groups = new Map<string, { configuration: Configuration; context: TrialContext; rows: TrialRow[] }>();
  for (const row of rows) {
    if (row.state !== 'completed' || !row.valid) continue;
    const key = `${configurationKey(row.configuration)}\u0000${JSON.stringify(row.context)}`;
    const group = groups.get(key) ?? { configuration: row.configuration, context: row.context, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ configuration, context, rows: members }) => {
    const names = [...new Set(members.flatMap((row) => Object.keys(row.metrics)))].sort();
    const metrics: Record<string, MetricSummary> = {};
    for (const name of names) {
      const values = members.map((row) => row.metrics[name]).filter((value): value is number => value !== undefined && Number.isFinite(value));
      if (values.length > 0) metrics[name] = summarize(values);
    }
    return { configuration, context, metrics };
  });
}

function summarize(values: readonly number[]): MetricSummary {
  const n = values.length;
  const center = mean(values);
  if (n < 2) return { mean: center, n, ciLow: null, ciHigh: null };
  const halfWidth = tQuantileTwoSided(CONFIDENCE_LEVEL, n - 1) * Math.sqrt(variance(values) / n);
  return { mean: center, n, ciLow: center - halfWidth, ciHigh: center + halfWidth };
}
