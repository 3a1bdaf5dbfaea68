/**
 * Drift of the machine over a study, read from interleaved repetitions: every configuration's repetition r
 * runs in round r (run-order.ts), so comparing each configuration's last round with its first, paired,
 * estimates how much the machine itself moved between the rounds. Reported per metric as the geometric mean
 * ratio last/first − 1 with a 95% t interval over the configurations' log ratios.
 */
import { mean, variance } from '../analysis/stats/bootstrap.js';
import { tQuantileTwoSided } from '../analysis/stats/distributions.js';
import type { TrialRow } from '../core/trial.js';

export interface MetricDrift {
  /** Geometric mean of last/first − 1 (0.05 = the last round measured 5% higher). */
  readonly relativeChange: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  /** Configuration × context pairs measured validly in both rounds. */
  readonly pairs: number;
  readonly fromRound: number;
  readonly toRound: number;
}

const MIN_PAIRS = 3;

export function roundDrift(rows: readonly TrialRow[], metrics: readonly string[]): Record<string, MetricDrift> {
  const usable = rows.filter((row) => row.state === 'completed' && row.valid && row.repetition >= 0);
  const rounds = [...new Set(usable.map((row) => row.repetition))].sort((a, b) => a - b);
  const out: Record<string, MetricDrift> = {};
  if (rounds.length < 2) return out;
  const fromRound = rounds[0]!;
  const toRound = rounds.at(-1)!;
  const keyOf = (row: TrialRow): string => `${JSON.stringify(row.configuration)}|${row.context.model}|${row.context.workload}|${row.context.load}|${row.context.coServed ?? ''}`;
  const first = new Map(usable.filter((row) => row.repetition === fromRound).map((row) => [keyOf(row), row]));
  for (const metric of metrics) {
    const logRatios: number[] = [];
    for (const row of usable.filter((r) => r.repetition === toRound)) {
      const before = first.get(keyOf(row))?.metrics[metric];
      const after = row.metrics[metric];
      if (before !== undefined && after !== undefined && before > 0 && after > 0) logRatios.push(Math.log(after / before));
    }
    if (logRatios.length < MIN_PAIRS) continue;
    const n = logRatios.length;
    const center = mean(logRatios);
    const halfWidth = tQuantileTwoSided(0.95, n - 1) * Math.sqrt(variance(logRatios) / n);
    out[metric] = { relativeChange: Math.expm1(center), ciLow: Math.expm1(center - halfWidth), ciHigh: Math.expm1(center + halfWidth), pairs: n, fromRound, toRound };
  }
  return out;
}

export function formatDrift(metric: string, drift: MetricDrift): string {
  const percent = (value: number): string => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
  return `${metric} ${percent(drift.relativeChange)} [${percent(drift.ciLow)}, ${percent(drift.ciHigh)}] from round ${drift.fromRound + 1} to ${drift.toRound + 1} (${drift.pairs} configurations)`;
}
