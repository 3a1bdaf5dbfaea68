/** Transfer heatmaps: how similar the configuration → performance mapping is between two environments. */
import type { TransferPair } from '../../analysis/types.js';
import { environmentLabel, metricTitle } from '../../core/format.js';
import { roundForFigure } from './records.js';
import type { FigureDefinition } from './render.js';

export type TransferMeasure = 'spearman' | 'pearson' | 'topOverlap';

const MEASURES: Record<TransferMeasure, { title: string; domain: [number, number]; scheme: string; symmetric: boolean; diagonal: number }> = {
  spearman: { title: 'Spearman rank correlation ρ', domain: [-1, 1], scheme: 'redblue', symmetric: true, diagonal: 1 },
  pearson: { title: 'Pearson correlation r', domain: [-1, 1], scheme: 'redblue', symmetric: true, diagonal: 1 },
  topOverlap: { title: 'top-10% overlap (fraction)', domain: [0, 1], scheme: 'blues', symmetric: false, diagonal: 1 },
};

export function transferHeatmap(pairs: readonly TransferPair[], metric: string, measure: TransferMeasure, environmentOrder: readonly string[]): FigureDefinition | undefined {
  const info = MEASURES[measure];
  const cells = new Map<string, { source: string; target: string; value: number; regret?: number }>();
  for (const pair of pairs) {
    if (pair.metric !== metric) continue;
    const value = pair[measure];
    if (!Number.isFinite(value)) continue;
    cells.set(`${pair.source}\u0000${pair.target}`, { source: pair.source, target: pair.target, value, regret: pair.regret.percent });
    const mirror = `${pair.target}\u0000${pair.source}`;
    if (info.symmetric && !cells.has(mirror)) cells.set(mirror, { source: pair.target, target: pair.source, value });
  }
  if (cells.size === 0) return undefined;
  const environments = environmentOrder.filter((environment) => [...cells.values()].some((cell) => cell.source === environment || cell.target === environment));
  for (const environment of environments) {
    const key = `${environment}\u0000${environment}`;
    if (!cells.has(key)) cells.set(key, { source: environment, target: environment, value: info.diagonal });
  }
  const labels = environments.map(environmentLabel);
  const records = [...cells.values()].map((cell) => ({
    source: environmentLabel(cell.source),
    target: environmentLabel(cell.target),
    value: roundForFigure(cell.value),
    ...(cell.regret === undefined ? {} : { regretPercent: roundForFigure(cell.regret) }),
  }));
  const side = Math.max(220, Math.min(560, labels.length * 34));
  return {
    id: `transfer-${measure.toLowerCase()}-${metric.replace(/_/g, '-')}`,
    title: `Transfer of ${metricTitle(metric)}: ${info.title}`,
    caption:
      measure === 'topOverlap'
        ? `Fraction of the source environment's best 10% configurations (rows) that are also among the target's best 10% (columns), for ${metricTitle(metric)}.`
        : `${info.title} of ${metricTitle(metric)} over the configurations measured in both environments (source rows, target columns). ` +
          'Blue: the ranking of configurations carries over; white: unrelated; red: reversed.',
    spec: {
      width: side,
      height: side,
      data: { values: records },
      layer: [
        {
          mark: { type: 'rect' },
          encoding: {
            // The row title sits above the labels: placed beside them it can overlap long environment names.
            y: {
              field: 'source',
              type: 'nominal',
              title: 'source (rows)',
              sort: labels,
              axis: { labelLimit: 0, titleAngle: 0, titleAnchor: 'end', titleAlign: 'right', titleBaseline: 'bottom', titleY: -6, titleX: 0 },
            },
            x: { field: 'target', type: 'nominal', title: 'target environment (model · workload · load)', sort: labels, axis: { labelAngle: -40, labelLimit: 0 } },
            color: { field: 'value', type: 'quantitative', title: info.title, scale: { domain: info.domain, scheme: info.scheme } },
            tooltip: [
              { field: 'source', type: 'nominal', title: 'source' },
              { field: 'target', type: 'nominal', title: 'target' },
              { field: 'value', type: 'quantitative', title: info.title, format: '.3~f' },
              { field: 'regretPercent', type: 'quantitative', title: 'regret of transfer (%)', format: '.3~g' },
            ],
          },
        },
        ...(labels.length <= 14
          ? [
              {
                mark: { type: 'text', fontSize: 9 },
                encoding: {
                  y: { field: 'source', type: 'nominal', sort: labels },
                  x: { field: 'target', type: 'nominal', sort: labels },
                  text: { field: 'value', type: 'quantitative', format: '.2f' },
                  color: { condition: { test: `abs(datum.value) > ${info.domain[0] < 0 ? 0.6 : 0.7}`, value: 'white' }, value: 'black' },
                },
              },
            ]
          : []),
      ],
    },
  };
}
