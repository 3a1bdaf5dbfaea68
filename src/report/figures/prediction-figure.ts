/** Prediction accuracy against the number of measured configurations a model is trained on. */
import { metricTitle } from '../../core/format.js';
import { BASELINE_LEARNER, type PredictionPoint } from '../prediction.js';
import { roundForFigure } from './records.js';
import { scaleFor, withScaleNote, type FigureDefinition } from './render.js';

export function predictionFigure(points: readonly PredictionPoint[]): FigureDefinition | undefined {
  if (points.length < 2) return undefined;
  // Average over environments, so each line is one learner and strategy for one metric.
  const groups = new Map<string, { metric: string; learner: string; strategy: string; sampleSize: number; sum: number; n: number }>();
  for (const point of points) {
    const key = [point.metric, point.learner, point.strategy, point.sampleSize].join('\u0000');
    const group = groups.get(key) ?? { metric: point.metric, learner: point.learner, strategy: point.strategy, sampleSize: point.sampleSize, sum: 0, n: 0 };
    group.sum += point.mapePercent;
    group.n += 1;
    groups.set(key, group);
  }
  const records = [...groups.values()].map((group) => ({
    metric: group.metric ? metricTitle(group.metric) : 'predicted metric',
    line: group.strategy === 'target only' ? group.learner : `${group.learner} (${group.strategy})`,
    strategy: group.strategy,
    sampleSize: group.sampleSize,
    mapePercent: roundForFigure(group.sum / group.n),
    environments: group.n,
  }));
  const yScale = scaleFor(records.map((record) => record.mapePercent));
  const xScale = scaleFor(records.map((record) => record.sampleSize));
  const metrics = new Set(records.map((record) => record.metric));
  return {
    id: 'prediction-accuracy',
    title: 'Prediction error against training-sample size',
    caption:
      'Mean absolute percentage error (MAPE) of each performance model on held-out measured configurations, as the number of ' +
      'configurations measured in the target grows (averaged over environments). Solid lines learn from the target alone; dashed ' +
      'lines reuse a model learned on a source environment, corrected with the target samples; the grey line is the best ' +
      'target-only model trained on those same few samples. Lower is better.',
    spec: {
      data: { values: records },
      ...(metrics.size > 1 ? { facet: { field: 'metric', type: 'nominal', title: null }, columns: 2 } : {}),
      ...(metrics.size > 1 ? { spec: layerSpec(xScale, yScale, lineColours(records)), resolve: { scale: { y: 'independent' } } } : layerSpec(xScale, yScale, lineColours(records))),
    },
  };
}

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d'];

/** A colour per line, the target-only baseline always grey. */
function lineColours(records: readonly { line: string }[]): { domain: string[]; range: string[] } {
  const domain = [...new Set(records.map((record) => record.line))].sort((a, b) => Number(a === BASELINE_LEARNER) - Number(b === BASELINE_LEARNER));
  let next = 0;
  return { domain, range: domain.map((line) => (line === BASELINE_LEARNER ? '#8a8a8a' : PALETTE[next++ % PALETTE.length]!)) };
}

function layerSpec(xScale: ReturnType<typeof scaleFor>, yScale: ReturnType<typeof scaleFor>, colours: { domain: string[]; range: string[] }): Record<string, unknown> {
  return {
    width: 300,
    height: 200,
    mark: { type: 'line', point: { filled: true, size: 40 } },
    encoding: {
      x: { field: 'sampleSize', type: 'quantitative', title: withScaleNote('training configurations (count)', xScale), scale: xScale },
      y: { field: 'mapePercent', type: 'quantitative', title: withScaleNote('MAPE on held-out configurations (%)', yScale), scale: yScale.type === 'linear' ? { type: 'linear', zero: true } : yScale },
      color: { field: 'line', type: 'nominal', title: 'performance model', scale: colours, legend: { labelLimit: 320 } },
      strokeDash: {
        field: 'strategy',
        type: 'nominal',
        title: 'learns from',
        scale: { domain: ['target only', 'transfer'], range: [[1, 0], [5, 3]] },
        legend: { symbolType: 'stroke', symbolStrokeColor: '#444', symbolStrokeWidth: 2, symbolSize: 300 },
      },
      tooltip: [
        { field: 'line', type: 'nominal', title: 'performance model' },
        { field: 'sampleSize', type: 'quantitative', title: 'training configurations' },
        { field: 'mapePercent', type: 'quantitative', title: 'MAPE (%)', format: '.3~g' },
        { field: 'environments', type: 'quantitative', title: 'environments averaged' },
      ],
    },
  };
}
