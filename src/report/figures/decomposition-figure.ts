/** A finding's explanation as stacked bars: each compared side's latency split into its parts. */
import type { Explanation } from '../../analysis/types.js';
import { metricTitle } from '../../core/format.js';
import { roundForFigure } from './records.js';
import type { FigureDefinition } from './render.js';

export function decompositionFigure(rank: number, explanation: Explanation): FigureDefinition | undefined {
  const comparisons = explanation.comparisons.filter((comparison) => comparison.components.length > 0);
  if (comparisons.length === 0) return undefined;
  const [from, to] = comparisons[0]!.change.split(' → ').length === 2 ? ['before', 'after'] : ['from', 'to'];
  const records = comparisons.flatMap((comparison, order) =>
    comparison.components.flatMap((part, partOrder) => [
      { where: comparison.where, order, side: `${from}: ${comparison.change.split(' → ')[0] ?? from}`, sideOrder: 0, part: part.label, partOrder, ms: roundForFigure(part.from) },
      { where: comparison.where, order, side: `${to}: ${comparison.change.split(' → ').slice(1).join(' → ') || to}`, sideOrder: 1, part: part.label, partOrder, ms: roundForFigure(part.to) },
    ]),
  );
  const metric = comparisons[0]!.objective.metric;
  return {
    id: `finding-${rank}-decomposition`,
    title: `Finding ${rank}: where the ${metricTitle(metric)} goes`,
    caption:
      `The parts of the latency (send lag, transport, queueing and batching wait, compute, serialization) for each side of the comparison the finding makes, ` +
      `averaged over the requests of the band that matches ${metric} and over the compared configurations.`,
    spec: {
      data: { values: records },
      facet: { row: { field: 'where', type: 'nominal', title: null, sort: { field: 'order' } } },
      spec: {
        width: 420,
        height: 60,
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'side', type: 'nominal', title: null, sort: { field: 'sideOrder' } },
          x: { field: 'ms', type: 'quantitative', title: 'ms', stack: 'zero' },
          color: { field: 'part', type: 'nominal', title: 'part', sort: { field: 'partOrder' } },
          order: { field: 'partOrder' },
          tooltip: [
            { field: 'where', title: 'where' },
            { field: 'side', title: 'side' },
            { field: 'part', title: 'part' },
            { field: 'ms', title: 'ms', format: '.3~g' },
          ],
        },
      },
      resolve: { scale: { x: 'independent' } },
    },
  };
}
