/**
 * Findings about transfer between environments. Each quotes the numbers of every source and target pair it names,
 * none is made from a pair with too few common configurations, and each needs repetitions (a noise estimate):
 * - optimum-does-not-transfer: the regret test was significant after Holm and its selection bootstrap interval
 *   excludes 0 (TransferPair.regretSignificant);
 * - weak-correlation: configurations differ beyond noise in both environments, and the Fisher-z upper bound of
 *   Pearson r (Bonferroni over the metric's eligible pairs) is below 0.9, the level at which a linear transfer works.
 */
import { normalQuantile } from './stats/distributions.js';
import { configKeyLabel, formatInterval, formatNumber, formatPercent, formatPValue, formatWithUnit } from '../core/format.js';
import type { Candidate, TransferPair } from './types.js';

export const MAX_REGRET_FINDINGS = 10;
/** Pearson r below which a linear transfer is said not to work (Jamshidi et al.). */
export const LINEAR_TRANSFER_R = 0.9;

export function regretFindings(pairs: readonly TransferPair[]): Candidate[] {
  // Sources that share a best configuration have the same regret in a target: report them together, each with its own numbers.
  const merged = new Map<string, TransferPair[]>();
  for (const pair of pairs) {
    if (pair.withheld || pair.regretSignificant !== true) continue;
    const key = `${pair.metric}\u0000${pair.target}\u0000${pair.sourceBest}`;
    merged.set(key, [...(merged.get(key) ?? []), pair]);
  }
  return [...merged.values()]
    .map((group): Candidate => {
      const p = group[0]!;
      const perSource = group.map((q) =>
        `${q.source}: ${formatInterval(q.regretPercentCi, 1, '%')}, adjusted ${formatPValue(q.regretPValueAdjusted ?? Number.NaN)}, Pearson r=${formatNumber(q.pearson)}, Spearman ρ=${formatNumber(q.spearman)} over ${q.commonConfigurations} common configurations`);
      const numbers: Record<string, number> = { regretPercent: p.regret.percent, regretAbsolute: p.regret.absolute, sources: group.length };
      for (const q of group) {
        numbers[`ciLow@${q.source}`] = q.regretPercentCi[0];
        numbers[`ciHigh@${q.source}`] = q.regretPercentCi[1];
        numbers[`pValueAdjusted@${q.source}`] = q.regretPValueAdjusted ?? Number.NaN;
        numbers[`pearson@${q.source}`] = q.pearson;
        numbers[`spearman@${q.source}`] = q.spearman;
        numbers[`commonConfigurations@${q.source}`] = q.commonConfigurations;
      }
      return {
        kind: 'optimum-does-not-transfer',
        score: (p.regret.percent / 100) * 1.5,
        text: `The optimum of ${group.map((q) => q.source).join(', ')} (${configKeyLabel(p.sourceBest)}) does not transfer to ${p.target}: there its ${p.metric} is ${formatNumber(p.regret.percent)}% ` +
          `worse than that of ${p.target}'s own optimum (${configKeyLabel(p.targetBest)}), ${formatWithUnit(p.regret.absolute, p.metric)} (${perSource.join('; ')})`,
        numbers,
        subject: { kind: 'configurations', metric: p.metric, environment: p.target, from: p.targetBest, to: p.sourceBest },
      };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_REGRET_FINDINGS);
}

export function correlationFindings(pairs: readonly TransferPair[], alpha: number): Candidate[] {
  const byMetric = new Map<string, TransferPair[]>();
  for (const pair of pairs) {
    if (pair.source >= pair.target || pair.withheld || !Number.isFinite(pair.pearson)) continue;
    const differ = pair.configurationsDifferPValue;
    if (!differ || !(differ.source < alpha && differ.target < alpha)) continue;
    byMetric.set(pair.metric, [...(byMetric.get(pair.metric) ?? []), pair]);
  }
  const out: Candidate[] = [];
  for (const [metric, eligible] of byMetric) {
    const z = normalQuantile(1 - alpha / (2 * eligible.length));
    const upper = (p: TransferPair): number => Math.tanh(Math.atanh(clampR(p.pearson)) + z / Math.sqrt(p.commonConfigurations - 3));
    const weakest = eligible.filter((p) => upper(p) < LINEAR_TRANSFER_R).sort((a, b) => a.pearson - b.pearson)[0];
    if (!weakest) continue;
    const bound = upper(weakest);
    out.push({
      kind: 'weak-correlation',
      score: (1 - weakest.pearson) * 0.5,
      text: `Configurations' ${metric} in ${weakest.source} and in ${weakest.target} is ${weakest.pearson < -0.3 ? 'anti-correlated' : 'at best weakly correlated'} (Pearson r=${formatNumber(weakest.pearson)}, at most ${formatNumber(bound)} at 95% confidence, Bonferroni over ${eligible.length} pair(s), Spearman ρ=${formatNumber(weakest.spearman)}, top-10% overlap ${formatPercent(weakest.topOverlap)}, over ${weakest.commonConfigurations} common configurations): below the r > ${LINEAR_TRANSFER_R} at which a linear transfer works`,
      numbers: { pearson: weakest.pearson, pearsonUpper: bound, spearman: weakest.spearman, kendall: weakest.kendall, topOverlap: weakest.topOverlap, kl: weakest.kl, commonConfigurations: weakest.commonConfigurations },
    });
  }
  return out;
}

/** Keeps atanh finite for |r| = 1. */
function clampR(r: number): number {
  return Math.max(-0.999999, Math.min(0.999999, r));
}
