/**
 * What a transfer statement needs before it may be made: enough common configurations, configurations that differ
 * beyond their repetition noise (otherwise there is nothing to correlate or transfer), and a multiplicity
 * correction over the many pairs one study produces.
 */
import type { ConfigGroup } from './prepare.js';
import { fSurvival } from './stats/distributions.js';

/** No correlation, overlap, KL or regret statement is made from fewer common configurations than this. */
export const MIN_COMMON_CONFIGURATIONS = 5;

export function tooFewCommonMessage(common: number): string {
  return `too few common configurations: ${common} measured in both environments, at least ${MIN_COMMON_CONFIGURATIONS} needed`;
}

/**
 * One-way ANOVA over the configurations of one environment: p-value that their means differ beyond the repetition
 * noise (log scale when every value is positive, as measurement noise is multiplicative). NaN without repetitions.
 */
export function configurationsDifferP(groups: readonly ConfigGroup[], metricIndex: number): number {
  const log = groups.every((g) => g.values[metricIndex]!.every((v) => v > 0));
  let total = 0;
  let n = 0;
  const series = groups.map((g) => (log ? g.values[metricIndex]!.map(Math.log) : g.values[metricIndex]!));
  for (const values of series) for (const v of values) {
    total += v;
    n++;
  }
  const grand = total / n;
  let between = 0;
  let within = 0;
  for (const values of series) {
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    between += values.length * (mean - grand) ** 2;
    for (const v of values) within += (v - mean) ** 2;
  }
  const dfBetween = series.length - 1;
  const dfWithin = n - series.length;
  if (dfBetween < 1 || dfWithin < 1) return Number.NaN;
  if (within === 0) return between > 0 ? 0 : 1;
  return fSurvival(between / dfBetween / (within / dfWithin), dfBetween, dfWithin);
}

/** Holm's step-down adjustment; NaN p-values stay NaN and do not count as tests. */
export function holmAdjusted(pValues: readonly number[]): number[] {
  const order = pValues.map((p, index) => ({ p, index })).filter((e) => Number.isFinite(e.p)).sort((a, b) => a.p - b.p);
  const adjusted = pValues.map(() => Number.NaN);
  let running = 0;
  order.forEach((entry, rank) => {
    running = Math.max(running, Math.min(1, (order.length - rank) * entry.p));
    adjusted[entry.index] = running;
  });
  return adjusted;
}
