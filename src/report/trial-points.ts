/**
 * Trial rows reduced to one point per (environment, configuration): repetitions averaged, failed and invalid
 * rows left out. Figures and result tables read these points.
 */
import { configurationKey, type Configuration } from '../core/space.js';
import type { TrialContext, TrialRow } from '../core/trial.js';
import { configurationLabel } from '../core/format.js';
import { environmentKey as analysisEnvironmentKey } from '../analysis/prepare.js';

export interface TrialPoint {
  /** 'model|workload|load' (and '|alone' or '|with a+b' for co-located models), the analysis's environment key. */
  readonly environment: string;
  readonly context: TrialContext;
  readonly configuration: Configuration;
  readonly configurationKey: string;
  readonly label: string;
  readonly trialIds: readonly string[];
  readonly repetitions: number;
  /** Mean over repetitions, per metric. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** The analysis's key without the machine: models served together ('…|alone', '…|with a+b') stay apart. */
export function environmentKey(context: TrialContext): string {
  const { machine: _machine, ...served } = context;
  return analysisEnvironmentKey(served);
}

export function trialPoints(rows: readonly TrialRow[], knobOrder: readonly string[] = []): TrialPoint[] {
  const groups = new Map<string, TrialRow[]>();
  for (const row of rows) {
    if (row.state !== 'completed' || !row.valid) continue;
    const key = `${environmentKey(row.context)}\u0000${configurationKey(row.configuration)}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    return {
      environment: environmentKey(first.context),
      context: first.context,
      configuration: first.configuration,
      configurationKey: configurationKey(first.configuration),
      label: configurationLabel(first.configuration, knobOrder),
      trialIds: [...new Set(group.map((row) => row.trialId))],
      repetitions: group.length,
      metrics: meanMetrics(group),
    };
  });
}

function meanMetrics(rows: readonly TrialRow[]): Record<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row.metrics)) {
      if (!Number.isFinite(value)) continue;
      const entry = sums.get(name) ?? { sum: 0, n: 0 };
      entry.sum += value;
      entry.n += 1;
      sums.set(name, entry);
    }
  }
  return Object.fromEntries([...sums].map(([name, { sum, n }]) => [name, sum / n]));
}

/** Counts of rows by outcome, for the results and validity sections. */
export function rowOutcomes(rows: readonly TrialRow[]): { completed: number; invalid: number; failed: number; other: number } {
  let completed = 0;
  let invalid = 0;
  let failed = 0;
  let other = 0;
  for (const row of rows) {
    if (row.state === 'failed') failed += 1;
    else if (row.state !== 'completed') other += 1;
    else if (!row.valid) invalid += 1;
    else completed += 1;
  }
  return { completed, invalid, failed, other };
}

/** Quantile of sorted numbers by linear interpolation. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  return low + (sorted[upper]! - low) * (position - lower);
}
