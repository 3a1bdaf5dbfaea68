/** Section 7: Pareto fronts per environment, hypervolume, knee, and which configurations are optimal where. */
import type { ParetoResult } from '../../analysis/types.js';
import type { Block, Section } from '../document.js';
import { paretoFigure } from '../figures/pareto-figure.js';
import { configurationLabel, environmentLabel, formatNumber, metricTitle } from '../../core/format.js';
import { codeSpan, escapeInline } from '../inline.js';
import { figureBlocks, type SectionContext } from './context.js';

export async function paretoSection(context: SectionContext): Promise<Section> {
  const { analysis } = context.input;
  const objectives = context.objectiveMetrics;
  const xMetric = objectives[0] ?? 'p99_ms';
  const yMetric = objectives[1] ?? (xMetric === 'achieved_rps' ? 'p99_ms' : 'achieved_rps');
  const byEnvironment = new Map(analysis.pareto.map((result) => [result.environment, result]));
  const ordered = context.environmentOrder.map((key) => byEnvironment.get(key)).filter((result): result is ParetoResult => result !== undefined);
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `A configuration is Pareto-optimal when no other configuration in the same environment is at least as good on every objective ` +
        `(${objectives.map(metricTitle).join(', ')}) and strictly better on one. The front is the menu of sensible choices; the knee is ` +
        `the front member with the best balance between the objectives. With repetitions, configurations within measurement noise ` +
        `of the front are marked separately.${objectives.length > 2 ? ` The figures show the first two objectives; the fronts are computed over all ${objectives.length}.` : ''}`,
    },
    ...(await figureBlocks(paretoFigure(context.points, analysis.pareto, xMetric, yMetric, context.environmentOrder))),
    {
      kind: 'table',
      headers: ['environment', 'configurations', 'front size', 'within noise', 'normalized hypervolume', 'knee configuration', ...objectives.map((metric) => `knee ${escapeInline(metricTitle(metric))}`)],
      numericColumns: [1, 2, 3, 4, ...objectives.map((_, index) => 6 + index)],
      rows: ordered.map((result) => [
        escapeInline(environmentLabel(result.environment)),
        String(result.configurations),
        String(result.front.filter((member) => !member.withinNoise).length),
        String(result.front.filter((member) => member.withinNoise).length),
        formatNumber(result.normalizedHypervolume),
        result.knee ? codeSpan(configurationLabel(result.knee.configuration, context.knobOrder)) : '–',
        ...objectives.map((metric) => formatNumber(result.knee?.metrics[metric])),
      ]),
    },
    {
      kind: 'paragraph',
      text: 'The normalized hypervolume is the share of the box between the best value of each objective and the reference point that the front dominates (1 would be one configuration best on every objective at once); larger is better.',
    },
    ...optimalityBlocks(context),
  ];
  return { id: 'pareto-fronts', title: 'Pareto fronts', blocks };
}

/** Which configurations are Pareto-optimal in every environment where they were measured, in some, or in none. */
function optimalityBlocks(context: SectionContext): Block[] {
  const membership = context.input.analysis.paretoMembership;
  if (membership.environments < 2) return [];
  const widest = [...membership.somewhere].sort((a, b) => b.environments.length - a.environments.length).slice(0, 5);
  return [
    { kind: 'heading', text: 'Optimal everywhere, somewhere, nowhere' },
    {
      kind: 'paragraph',
      text:
        `Of ${membership.configurations} configurations, ${membership.everywhere.length} are on the strict Pareto front of every one of the ` +
        `${membership.environments} environments, ${membership.somewhere.length} on the front of some environments only, and ${membership.nowhere} on none.` +
        (membership.everywhere.length === 0
          ? ' No single configuration is a safe default for every model, workload and load.'
          : ` Optimal everywhere: ${membership.everywhere.map((entry) => codeSpan(configurationLabel(entry.configuration, context.knobOrder))).join('; ')}.`),
    },
    {
      kind: 'table',
      headers: ['configuration', 'Pareto-optimal in', 'measured in'],
      numericColumns: [1, 2],
      rows: widest.map((entry) => [codeSpan(configurationLabel(entry.configuration, context.knobOrder)), String(entry.environments.length), String(entry.measuredIn)]),
      caption: 'The configurations on the most fronts, short of all.',
    },
  ];
}
