/**
 * Ranked findings: sentences backed by their numbers and confidence intervals. Score = effect size (relative
 * to the metric's mean) times a surprise weight: sign flips across environments (×2), interactions stronger
 * than both main effects (×1.5), optima that do not transfer (×1.5), non-monotonic effects (×1.5). Only
 * significant (Holm-adjusted) effects are reported; transfer
 * findings need repetitions and at least 5 common configurations (findings-transfer.ts), and the Pareto
 * membership summary needs configurations that differ beyond noise in every environment.
 */
import type { AnalysisResult, Candidate, Explanation, Finding, FindingSubject, KnobEffect } from './types.js';
import { correlationFindings, regretFindings } from './findings-transfer.js';
import { MIN_COMMON_CONFIGURATIONS } from './transfer-support.js';
import { formatAdjustedPValue, formatInterval, formatNumber, formatPercent, formatWithUnit } from '../core/format.js';

export { MAX_REGRET_FINDINGS } from './findings-transfer.js';

export const MAX_FINDINGS = 40;

type Inputs = Pick<AnalysisResult, 'objectives' | 'effects' | 'effectsByEnvironment' | 'transfer' | 'paretoMembership' | 'environments'>;

/** Level of the tests findings make here (configurations differing beyond noise); the effect tests carry their own. */
export const FINDINGS_ALPHA = 0.05;

/** Findings ranked by score; `explain` (if given) attaches an explanation to each finding that has a subject. */
export function rankFindings(inputs: Inputs, alpha = FINDINGS_ALPHA, explain?: (subject: FindingSubject) => Explanation | undefined): Finding[] {
  const candidates: Candidate[] = [];
  const objectiveMetrics = inputs.objectives.map((o) => o.metric);
  for (const metric of objectiveMetrics) {
    const effects = inputs.effects[metric];
    if (!effects) continue;
    for (const effect of effects.main) if (effect.significant) candidates.push(mainEffectFinding(metric, effect));
    // A turning level is only set for a knob whose adjusted F test is significant, and only when it differs from
    // both ends by more than their noise; a U shape has ends alike, so `significant` (ends differ) is not required.
    for (const effect of effects.main) if (effect.nonMonotonic) candidates.push(nonMonotonicFinding(metric, effect));
    const byKnob = new Map(effects.main.map((e) => [e.knob, e]));
    for (const interaction of effects.interactions) {
      if (!interaction.significant) continue;
      const [a, b] = interaction.knobs;
      const mainA = byKnob.get(a)!;
      const mainB = byKnob.get(b)!;
      const stronger = interaction.partialEtaSquared > mainA.partialEtaSquared && interaction.partialEtaSquared > mainB.partialEtaSquared;
      candidates.push({
        kind: stronger ? 'interaction-stronger-than-main' : 'interaction',
        score: Math.abs(interaction.relativeEffect) * (stronger ? 1.5 : 1),
        text: `${a} and ${b} interact on ${metric}: the effect of one changes by ${formatWithUnit(interaction.effectSize, metric)} (${formatPercent(interaction.relativeEffect)} of the mean; ${formatInterval(interaction.ci)}; ${formatAdjustedPValue(interaction.pAdjusted)}) between the other's extreme levels` +
          (stronger ? `, more than either knob's own effect explains (partial η² ${formatNumber(interaction.partialEtaSquared)} vs ${formatNumber(mainA.partialEtaSquared)} and ${formatNumber(mainB.partialEtaSquared)})` : ''),
        numbers: { effect: interaction.effectSize, relative: interaction.relativeEffect, ciLow: interaction.ci[0], ciHigh: interaction.ci[1], pValue: interaction.pValue, pAdjusted: interaction.pAdjusted, partialEtaSquared: interaction.partialEtaSquared },
        subject: { kind: 'interaction', metric, knob: a, by: b },
      });
    }
    candidates.push(...signFlipFindings(metric, inputs));
  }
  candidates.push(...regretFindings(inputs.transfer));
  candidates.push(...correlationFindings(inputs.transfer, alpha));
  const membership = inputs.paretoMembership;
  if (membership.environments >= 2 && configurationsDifferEverywhere(inputs, alpha)) {
    candidates.push({
      kind: 'pareto-membership',
      score: 0.05,
      text: `${membership.everywhere.length} of ${membership.configurations} configurations are Pareto-optimal in all ${membership.environments} environments, ${membership.somewhere.length} only in some, ${membership.nowhere} in none`,
      numbers: { everywhere: membership.everywhere.length, somewhere: membership.somewhere.length, nowhere: membership.nowhere, configurations: membership.configurations },
    });
  }
  return candidates
    .filter((c) => Number.isFinite(c.score))
    .sort((a, b) => b.score - a.score || (a.text < b.text ? -1 : 1))
    .slice(0, MAX_FINDINGS)
    .map(({ subject, ...c }, index) => {
      const explanation = subject && explain ? explain(subject) : undefined;
      return { rank: index + 1, ...c, ...(explanation ? { explanation } : {}) };
    });
}

/** Mean of the metric at the effect's from- and to-level, and the change relative to the from-level. */
function levelChange(effect: KnobEffect): { from: number; to: number; percent: number } {
  const from = effect.levels.find((l) => l.level === effect.fromLevel)?.mean ?? Number.NaN;
  const to = effect.levels.find((l) => l.level === effect.toLevel)?.mean ?? Number.NaN;
  return { from, to, percent: from !== 0 ? (100 * (to - from)) / Math.abs(from) : Number.NaN };
}

function mainEffectFinding(metric: string, effect: KnobEffect): Candidate {
  const ordered = effect.kind !== 'categorical';
  const verb = effect.effectSize < 0 ? 'lowers' : 'raises';
  const change = levelChange(effect);
  const text = ordered
    ? `Raising ${effect.knob} from ${effect.fromLevel} to ${effect.toLevel} ${verb} ${metric} from ${formatWithUnit(change.from, metric)} to ${formatWithUnit(change.to, metric)} on average (${formatSigned(change.percent)}%; difference ${formatInterval(effect.ci)}; ${formatAdjustedPValue(effect.pAdjusted)})`
    : `${metric} is ${formatWithUnit(effect.effectSize, metric)} higher with ${effect.knob}=${effect.toLevel} (${formatWithUnit(change.to, metric)}) than with ${effect.knob}=${effect.fromLevel} (${formatWithUnit(change.from, metric)}) on average (${formatSigned(change.percent)}%; difference ${formatInterval(effect.ci)}; ${formatAdjustedPValue(effect.pAdjusted)})`;
  return {
    kind: 'main-effect',
    score: Math.abs(effect.relativeEffect),
    text,
    numbers: { effect: effect.effectSize, relative: effect.relativeEffect, changePercent: change.percent, fromMean: change.from, toMean: change.to, ciLow: effect.ci[0], ciHigh: effect.ci[1], pValue: effect.pValue, pAdjusted: effect.pAdjusted, partialEtaSquared: effect.partialEtaSquared },
    subject: { kind: 'knob-change', metric, knob: effect.knob, from: effect.fromLevel, to: effect.toLevel },
  };
}

function formatSigned(value: number): string {
  return `${value > 0 ? '+' : ''}${formatNumber(value)}`;
}

function nonMonotonicFinding(metric: string, effect: KnobEffect): Candidate {
  const means = effect.levels.map((l) => l.mean);
  const range = Math.max(...means) - Math.min(...means);
  const relative = effect.relativeEffect !== 0 ? (range * effect.relativeEffect) / effect.effectSize : 0;
  const turning = effect.levels.find((l) => l.level === effect.turningLevel)!;
  return {
    kind: 'non-monotonic',
    score: Math.abs(Number.isFinite(relative) ? relative : 0) * 1.5,
    text: `${metric} is not monotonic in ${effect.knob}: it reaches its ${effect.turningKind} at ${effect.knob}=${effect.turningLevel} (${formatWithUnit(turning.mean, metric)}), against ${effect.levels.map((l) => `${l.level}: ${formatNumber(l.mean)}`).join(', ')}`,
    numbers: { turningMean: turning.mean, range, pValue: effect.pValue, pAdjusted: effect.pAdjusted },
  };
}

function signFlipFindings(metric: string, inputs: Inputs): Candidate[] {
  const out: Candidate[] = [];
  const perKnob = new Map<string, { env: string; effect: KnobEffect }[]>();
  // Each side of a flip must rest on enough configurations, like every cross-environment statement.
  const supported = new Set(inputs.environments.filter((e) => e.configurations >= MIN_COMMON_CONFIGURATIONS).map((e) => e.key));
  for (const [env, byMetric] of Object.entries(inputs.effectsByEnvironment)) {
    if (!supported.has(env)) continue;
    for (const effect of byMetric[metric]?.main ?? []) {
      if (!effect.significant || effect.kind === 'categorical') continue;
      const list = perKnob.get(effect.knob) ?? [];
      list.push({ env, effect });
      perKnob.set(effect.knob, list);
    }
  }
  for (const [knob, list] of perKnob) {
    const up = list.filter((e) => e.effect.effectSize > 0).sort((a, b) => b.effect.relativeEffect - a.effect.relativeEffect)[0];
    const down = list.filter((e) => e.effect.effectSize < 0).sort((a, b) => a.effect.relativeEffect - b.effect.relativeEffect)[0];
    if (!up || !down) continue;
    out.push({
      kind: 'sign-flip',
      score: 2 * (Math.abs(up.effect.relativeEffect) + Math.abs(down.effect.relativeEffect)) / 2,
      text: `Raising ${knob} from ${down.effect.fromLevel} to ${down.effect.toLevel} lowers ${metric} in ${down.env} (${describeChange(down.effect, metric)}) but raises it in ${up.env} (${describeChange(up.effect, metric)}): the best setting does not carry over`,
      numbers: { lowers: down.effect.relativeEffect, raises: up.effect.relativeEffect, environmentsLowering: list.filter((e) => e.effect.effectSize < 0).length, environmentsRaising: list.filter((e) => e.effect.effectSize > 0).length },
      subject: { kind: 'knob-change-across', metric, knob, from: down.effect.fromLevel, to: down.effect.toLevel, environments: [down.env, up.env] },
    });
  }
  return out;
}

function describeChange(effect: KnobEffect, metric: string): string {
  const change = levelChange(effect);
  return `${formatWithUnit(change.from, metric)} → ${formatWithUnit(change.to, metric)}, ${formatSigned(change.percent)}%; difference ${formatInterval(effect.ci)}`;
}

/**
 * Whether every objective's configurations differ beyond repetition noise in every environment (from the transfer
 * pairs' one-way ANOVA): otherwise the Pareto fronts are noise and which configurations share them says nothing.
 */
function configurationsDifferEverywhere(inputs: Inputs, alpha: number): boolean {
  const seen = new Set<string>();
  for (const pair of inputs.transfer) {
    const p = pair.configurationsDifferPValue;
    if (!p) continue;
    if (!(p.source < alpha) || !(p.target < alpha)) return false;
    seen.add(`${pair.source}\u0000${pair.metric}`);
    seen.add(`${pair.target}\u0000${pair.metric}`);
  }
  return inputs.environments.every((env) => inputs.objectives.every((o) => seen.has(`${env.key}\u0000${o.metric}`)));
}
