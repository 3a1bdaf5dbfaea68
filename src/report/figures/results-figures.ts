/** Results figures: how a metric spreads across configurations, per model · workload and load level. */
import { metricTitle } from '../../core/format.js';
import type { TrialPoint } from '../trial-points.js';
import { pointRecord } from './records.js';
import { scaleFor, withScaleNote, type FigureDefinition } from './render.js';
import { thinnedNote, thinPoints } from './thin.js';
import { tooltipFields } from './tooltip.js';

export function metricSpreadFigure(points: readonly TrialPoint[], metric: string, loadOrder: readonly string[]): FigureDefinition | undefined {
  const thinned = thinPoints(points.filter((point) => Number.isFinite(point.metrics[metric])));
  const measured = thinned.points;
  if (measured.length === 0) return undefined;
  const records = measured.map((point) => pointRecord(point, [metric]));
  const scale = scaleFor(measured.map((point) => point.metrics[metric]!));
  const available = new Set(records.flatMap((record) => Object.keys(record)));
  return {
    id: `spread-${metric.replace(/_/g, '-')}`,
    title: `${metricTitle(metric)} of every measured configuration`,
    caption:
      `Each dot is one configuration (mean over its repetitions); rows are model · workload, colours the load level. ` +
      `Hover a dot to see its configuration.${scale.type === 'log' ? ' The axis is logarithmic because the values span decades.' : ''}${thinnedNote(thinned)}`,
    spec: {
      width: 520,
      data: { values: records },
      mark: { type: 'point', filled: true, opacity: 0.7, size: 40 },
      encoding: {
        x: { field: metric, type: 'quantitative', title: withScaleNote(metricTitle(metric), scale), scale },
        y: { field: 'series', type: 'nominal', title: 'model · workload', axis: { labelLimit: 0, labelExpr: "split(datum.label, ' · ')" } },
        yOffset: { field: 'load', type: 'nominal', sort: loadOrder },
        color: { field: 'load', type: 'nominal', title: 'load level', sort: loadOrder, scale: { scheme: 'tableau10' } },
        tooltip: tooltipFields([metric], available),
      },
    },
  };
}
