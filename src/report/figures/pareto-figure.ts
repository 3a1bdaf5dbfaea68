/** Pareto-front scatter plots: every configuration per environment, the front highlighted and joined. */
import type { ParetoResult } from '../../analysis/types.js';
import { configurationKey } from '../../core/space.js';
import { environmentLabel, metricTitle } from '../../core/format.js';
import type { TrialPoint } from '../trial-points.js';
import { pointRecord } from './records.js';
import { scaleForGroups, withScaleNote, type FigureDefinition } from './render.js';
import { thinnedNote, thinPoints } from './thin.js';
import { tooltipFields } from './tooltip.js';

export const FRONT_STATUS = ['knee', 'Pareto-optimal', 'within noise of the front', 'dominated'] as const;
const STATUS_COLOURS = ['#d62728', '#ff7f0e', '#8c6bb1', '#aab4bf'];
const STATUS_SHAPES = ['diamond', 'circle', 'triangle-up', 'circle'];

export function paretoFigure(
  points: readonly TrialPoint[],
  pareto: readonly ParetoResult[],
  xMetric: string,
  yMetric: string,
  environmentOrder: readonly string[],
): FigureDefinition | undefined {
  const status = frontStatusByPoint(pareto);
  const thinned = thinPoints(
    points.filter((point) => Number.isFinite(point.metrics[xMetric]) && Number.isFinite(point.metrics[yMetric])),
    (point) => status.has(`${point.environment}\u0000${point.configurationKey}`),
  );
  const plotted = thinned.points;
  if (plotted.length === 0) return undefined;
  const records = plotted.map((point) => {
    const pointStatus = status.get(`${point.environment}\u0000${point.configurationKey}`) ?? 'dominated';
    return {
      ...pointRecord(point, [xMetric, yMetric]),
      environment: environmentLabel(point.environment),
      front: pointStatus !== 'dominated' && pointStatus !== 'within noise of the front',
      status: pointStatus,
      // Front members are drawn last, on top of dominated points.
      drawOrder: FRONT_STATUS.length - FRONT_STATUS.indexOf(pointStatus),
    };
  });
  const byEnvironment = (metric: string): number[][] =>
    [...new Set(plotted.map((point) => point.environment))].map((environment) =>
      plotted.filter((point) => point.environment === environment).map((point) => point.metrics[metric]!),
    );
  const xScale = scaleForGroups(byEnvironment(xMetric));
  const yScale = scaleForGroups(byEnvironment(yMetric));
  const environments = environmentOrder.map(environmentLabel).filter((label) => records.some((record) => record.environment === label));
  const available = new Set(records.flatMap((record) => Object.keys(record)));
  const x = { field: xMetric, type: 'quantitative', title: withScaleNote(metricTitle(xMetric), xScale), scale: xScale };
  const y = { field: yMetric, type: 'quantitative', title: withScaleNote(metricTitle(yMetric), yScale), scale: yScale };
  return {
    id: `pareto-${xMetric.replace(/_/g, '-')}-${yMetric.replace(/_/g, '-')}`,
    title: `Pareto fronts: ${metricTitle(xMetric)} against ${metricTitle(yMetric)}`,
    caption:
      'One panel per model · workload · load, each with its own axes. Grey dots are dominated configurations; orange dots are ' +
      'Pareto-optimal (no other configuration is at least as good on both objectives and better on one) and are joined by the ' +
      `front line; the red diamond is the knee; purple triangles are within measurement noise of the front. Hover for the configuration.${thinnedNote(thinned)}`,
    spec: {
      data: { values: records },
      // One line each for model, workload and load: static renderings estimate text widths and would cut one long line.
      facet: { field: 'environment', type: 'nominal', title: null, sort: environments, header: { labelExpr: "split(datum.label, ' · ')", labelLimit: 0 } },
      columns: 3,
      spec: {
        width: 210,
        height: 170,
        layer: [
          {
            transform: [{ filter: 'datum.front' }],
            mark: { type: 'line', color: '#ff7f0e', strokeWidth: 1.5, interpolate: 'step-after' },
            encoding: { x, y, order: { field: xMetric, type: 'quantitative' } },
          },
          {
            mark: { type: 'point', filled: true, size: 50 },
            encoding: {
              x,
              y,
              color: { field: 'status', type: 'nominal', title: 'configuration', scale: { domain: [...FRONT_STATUS], range: STATUS_COLOURS } },
              shape: { field: 'status', type: 'nominal', title: 'configuration', scale: { domain: [...FRONT_STATUS], range: STATUS_SHAPES } },
              opacity: { condition: { test: "datum.status === 'dominated'", value: 0.5 }, value: 1 },
              order: { field: 'drawOrder', type: 'quantitative' },
              tooltip: [{ field: 'status', type: 'nominal', title: 'status' }, ...tooltipFields([xMetric, yMetric], available)],
            },
          },
        ],
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
    },
  };
}

/** The front status of each (environment, configuration) that the analysis put on or near a front. */
export function frontStatusByPoint(pareto: readonly ParetoResult[]): Map<string, (typeof FRONT_STATUS)[number]> {
  const status = new Map<string, (typeof FRONT_STATUS)[number]>();
  for (const result of pareto) {
    for (const member of result.front) {
      status.set(`${result.environment}\u0000${configurationKey(member.configuration)}`, member.withinNoise ? 'within noise of the front' : 'Pareto-optimal');
    }
    if (result.knee) status.set(`${result.environment}\u0000${configurationKey(result.knee.configuration)}`, 'knee');
  }
  return status;
}
