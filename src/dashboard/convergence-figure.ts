/** The sampler's convergence: normalized hypervolume per environment against trials finished. */
import { environmentLabel } from '../core/format.js';
import { roundForFigure } from '../report/figures/records.js';
import type { FigureDefinition } from '../report/figures/render.js';
import type { TracePoint } from './hypervolume-trace.js';

export function convergenceFigure(trace: readonly TracePoint[], environmentOrder: readonly string[]): FigureDefinition | undefined {
  if (trace.length === 0) return undefined;
  const labels = environmentOrder.map(environmentLabel);
  return {
    id: 'hypervolume-convergence',
    title: 'Hypervolume over completed trials',
    caption:
      "Each environment's normalized hypervolume (the share of the box between the best measured value of each objective and the " +
      "analysis' reference point that the front dominates) after every trial finished, on the scale of the current analysis; a line " +
      'that flattens means new configurations no longer improve that front. Means over the valid repetitions finished so far.',
    spec: {
      width: 400,
      height: 200,
      data: { values: trace.map((point) => ({ environment: environmentLabel(point.environment), trials: point.trials, hypervolume: roundForFigure(point.normalizedHypervolume) })) },
      mark: { type: 'line', point: { size: 18 }, interpolate: 'step-after' },
      encoding: {
        x: { field: 'trials', type: 'quantitative', title: 'trials finished' },
        y: { field: 'hypervolume', type: 'quantitative', title: 'normalized hypervolume', scale: { domain: [0, 1] } },
        color: { field: 'environment', type: 'nominal', title: 'environment', sort: labels, legend: { orient: 'bottom', direction: 'vertical' } },
        tooltip: [
          { field: 'environment', type: 'nominal' },
          { field: 'trials', type: 'quantitative', title: 'trials finished' },
          { field: 'hypervolume', type: 'quantitative', title: 'normalized hypervolume', format: '.3f' },
        ],
      },
    },
  };
}
