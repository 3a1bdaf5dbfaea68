/** Section 8: main effects, interactions and importance of every knob on the objective metrics. */
import type { InteractionEffect, MetricEffects } from '../../analysis/types.js';
import type { Block, Section } from '../document.js';
import { importanceFigure, interactionFigure, mainEffectsFigure } from '../figures/effects-figures.js';
import { formatNumber, formatPercent, formatPValue, formatSignedPercent, higherIsBetter, metricTitle, metricUnit } from '../../core/format.js';
import { codeSpan, escapeInline } from '../inline.js';
import { figureBlocks, type SectionContext } from './context.js';

export async function effectsSection(context: SectionContext): Promise<Section> {
  const { effects } = context.input.analysis;
  const metrics = [...context.objectiveMetrics.filter((metric) => effects[metric]), ...Object.keys(effects).filter((metric) => !context.objectiveMetrics.includes(metric))];
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        'The effect size of a knob is how far the metric moves between its levels, from the fitted model\'s least-squares means ' +
        '(every other knob\'s levels and every environment weighted equally, so configurations that were measured more often or ' +
        'not at all do not tilt it); the p-value says how likely an effect that large is from measurement noise alone. Each main ' +
        'effect and interaction is tested by comparing the model with and without it, keeping every other term that does not contain ' +
        'it (Type II). Within each metric the p-values of all these tests are Holm-adjusted together; an effect is significant only ' +
        'if its adjusted p < 0.05 and its 95% interval excludes zero. The tables show the unadjusted p-value. ' +
        'An interaction means the effect of one knob depends on the level of another.',
    },
  ];
  if (metrics.length === 0) {
    blocks.push({ kind: 'paragraph', text: 'The analysis computed no effects (too few configurations or levels).' });
  }
  for (const metric of metrics.slice(0, 3)) {
    const metricEffects = effects[metric]!;
    blocks.push({ kind: 'heading', text: metricTitle(metric) });
    blocks.push(...(await figureBlocks(mainEffectsFigure(metric, metricEffects))));
    blocks.push(mainEffectsTable(metric, metricEffects));
    blocks.push({
      kind: 'paragraph',
      text:
        `Effects are in ${escapeInline(metricUnit(metric) || 'the metric\'s unit')}, from the lower to the higher level; "relative" divides by the mean ` +
        `(${formatNumber(metricEffects.grandMean)}). The model of all main effects and pairwise interactions explains ` +
        `${formatPercent(metricEffects.rSquared)} of the variance over ${metricEffects.n} rows.`,
    });
    const interactions = [...metricEffects.interactions].sort((a, b) => Math.abs(b.effectSize) - Math.abs(a.effectSize));
    if (interactions.length > 0) {
      blocks.push(interactionsTable(interactions.slice(0, 8)));
      const strongest = interactions.find((interaction) => interaction.significant) ?? interactions[0]!;
      blocks.push(...(await figureBlocks(interactionFigure(context.points, metric, strongest.knobs))));
    }
  }
  if (metrics.length > 3) {
    blocks.push({ kind: 'paragraph', text: `Effects on ${metrics.slice(3).map(codeSpan).join(', ')} are in the exported analysis JSON.` });
  }
  blocks.push(...(await figureBlocks(importanceFigure(effects, metrics.slice(0, 3)))));
  return { id: 'knob-effects', title: 'Knob effects and interactions', blocks };
}

function mainEffectsTable(metric: string, effects: MetricEffects): Block {
  const sign = higherIsBetter(metric) ? -1 : 1;
  const sorted = [...effects.main].sort((a, b) => Math.abs(b.effectSize) - Math.abs(a.effectSize));
  return {
    kind: 'table',
    headers: ['knob', 'levels compared', 'effect (95% CI)', 'relative', 'p-value', 'Holm-adjusted', 'significant', 'best level', 'non-monotonic'],
    numericColumns: [2, 3, 4, 5],
    rows: sorted.map((effect) => {
      const best = [...effect.levels].sort((a, b) => sign * (a.mean - b.mean))[0];
      return [
        codeSpan(effect.knob),
        `${codeSpan(effect.fromLevel)} → ${codeSpan(effect.toLevel)}`,
        `${formatNumber(effect.effectSize)} [${formatNumber(effect.ci[0])}, ${formatNumber(effect.ci[1])}]`,
        formatSignedPercent(effect.relativeEffect),
        formatPValue(effect.pValue),
        formatPValue(effect.pAdjusted),
        effect.significant ? 'yes' : 'no',
        best ? codeSpan(best.level) : '–',
        effect.nonMonotonic ? `yes${effect.turningLevel ? ` (${effect.turningKind ?? 'turns'} at ${codeSpan(effect.turningLevel)})` : ''}` : 'no',
      ];
    }),
  };
}

function interactionsTable(interactions: readonly InteractionEffect[]): Block {
  return {
    kind: 'table',
    headers: ['interacting knobs', 'difference of differences (95% CI)', 'relative', 'p-value', 'Holm-adjusted', 'significant'],
    numericColumns: [1, 2, 3, 4],
    caption: 'The strongest pairwise interactions.',
    rows: interactions.map((interaction) => [
      `${codeSpan(interaction.knobs[0])} × ${codeSpan(interaction.knobs[1])}`,
      `${formatNumber(interaction.effectSize)} [${formatNumber(interaction.ci[0])}, ${formatNumber(interaction.ci[1])}]`,
      formatSignedPercent(interaction.relativeEffect),
      formatPValue(interaction.pValue),
      formatPValue(interaction.pAdjusted),
      interaction.significant ? 'yes' : 'no',
    ]),
  };
}
