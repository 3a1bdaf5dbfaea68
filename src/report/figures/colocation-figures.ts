/**
 * Co-located models: each model's interference (p99 co-served / p99 alone, with its interval) per group and
 * load, and the consolidated deployments' worst-model p99 against the mix's energy per inference.
 */
import type { ColocationAnalysis } from '../../analysis/colocation.js';
import { roundForFigure } from './records.js';
import { scaleFor, withScaleNote, type FigureDefinition } from './render.js';

/** How far beyond the estimates (and 1) the interference axis reaches. */
const INTERVAL_AXIS_FACTOR = 10;

export function interferenceFigure(analysis: ColocationAnalysis, loadOrder: readonly string[]): FigureDefinition | undefined {
  const records = analysis.interference.map((estimate) => ({
    series: `${estimate.model} · with ${estimate.coServed}`,
    load: estimate.load,
    ratio: roundForFigure(estimate.ratio),
    low: roundForFigure(estimate.ratioInterval?.[0] ?? estimate.ratio),
    high: roundForFigure(estimate.ratioInterval?.[1] ?? estimate.ratio),
    pairs: estimate.pairs,
  }));
  if (records.length === 0) return undefined;
  // The axis spans the estimates, not intervals from one or two pairs that reach across many decades: those are
  // cut at its edges (the tooltip keeps their numbers).
  const ratios = records.map((record) => record.ratio);
  const domain: [number, number] = [Math.min(1, ...ratios) / INTERVAL_AXIS_FACTOR, Math.max(1, ...ratios) * INTERVAL_AXIS_FACTOR];
  const clipped = records.some((record) => record.low < domain[0] || record.high > domain[1]);
  const scale = scaleFor([...records.flatMap((record) => [Math.max(record.low, domain[0]), Math.min(record.high, domain[1])]), 1]);
  const x = { field: 'ratio', type: 'quantitative', title: withScaleNote('p99 co-served / p99 alone', scale), scale: clipped ? { ...scale, domain } : scale };
  // Untitled: the labels say it ('model · with group'), and a title beside labels this long would overlap them.
  const y = { field: 'series', type: 'nominal', title: null, axis: { labelLimit: 0 } };
  const color = { field: 'load', type: 'nominal', title: 'load level', sort: loadOrder, scale: { scheme: 'tableau10' } };
  return {
    id: 'colocation-interference',
    title: 'Interference: p99 co-served against p99 alone',
    caption:
      `Each model's p99 latency when served with the others of its group, divided by its p99 alone at the same rate, configuration and ` +
      `repetition round (geometric mean over the matched pairs). Bars: ${Math.round(analysis.confidenceLevel * 100)}% t intervals; the grey rule marks no interference (1).` +
      (clipped ? ` Intervals reaching beyond ${INTERVAL_AXIS_FACTOR}× the estimates are cut at the axis (from few pairs a t interval spans decades).` : ''),
    spec: {
      width: 480,
      data: { values: records },
      layer: [
        { mark: { type: 'rule', color: '#999', strokeDash: [4, 3] }, encoding: { x: { datum: 1, type: 'quantitative' } } },
        { mark: { type: 'rule', strokeWidth: 2, clip: true }, encoding: { x: { field: 'low', type: 'quantitative', scale: x.scale, title: x.title }, x2: { field: 'high' }, y, color, yOffset: { field: 'load', sort: loadOrder } } },
        {
          mark: { type: 'point', filled: true, size: 70, opacity: 1 },
          encoding: {
            x,
            y,
            color,
            yOffset: { field: 'load', sort: loadOrder },
            tooltip: [y, { field: 'load', type: 'nominal', title: 'load level' }, { ...x, title: 'ratio', format: '.3~g' }, { field: 'low', title: 'interval low', format: '.3~g' }, { field: 'high', title: 'interval high', format: '.3~g' }, { field: 'pairs', title: 'pairs' }],
          },
        },
      ],
    },
  };
}

export function consolidatedParetoFigure(analysis: ColocationAnalysis): FigureDefinition | undefined {
  const records = analysis.consolidated.map((deployment) => ({
    group: deployment.coServed,
    load: deployment.load,
    p99: roundForFigure(deployment.worstP99Ms),
    energy: roundForFigure(deployment.mixEnergyJPerInf * 1000),
    front: deployment.onFront ? 'Pareto front' : 'dominated',
    worst: deployment.worstModel,
    configuration: deployment.configKey,
  }));
  if (records.length === 0) return undefined;
  const xScale = scaleFor(records.map((record) => record.p99));
  const yScale = scaleFor(records.map((record) => record.energy));
  const x = { field: 'p99', type: 'quantitative', title: withScaleNote('p99 of the worst model (ms)', xScale), scale: xScale };
  const y = { field: 'energy', type: 'quantitative', title: withScaleNote('energy per inference of the mix (mJ)', yScale), scale: yScale };
  return {
    id: 'colocation-pareto',
    title: 'Consolidated deployments: worst-model p99 against energy per inference',
    caption:
      'One point per configuration, group and load level: the highest p99 among the models served together against the energy per inference ' +
      'of the whole mix (the shared server’s energy over all its completed requests). Filled points form the Pareto front of their group and load.',
    spec: {
      data: { values: records },
      facet: { column: { field: 'load', type: 'nominal', title: 'load level' } },
      spec: {
        width: 300,
        height: 240,
        layer: [
          { transform: [{ filter: "datum.front === 'Pareto front'" }], mark: { type: 'line', opacity: 0.6 }, encoding: { x, y, color: { field: 'group', type: 'nominal', title: 'served together' }, order: { field: 'p99' } } },
          {
            mark: { type: 'point', size: 60 },
            encoding: {
              x,
              y,
              color: { field: 'group', type: 'nominal', title: 'served together' },
              fill: { condition: { test: "datum.front === 'Pareto front'", field: 'group', type: 'nominal', legend: null }, value: 'transparent' },
              tooltip: [{ field: 'group', title: 'served together' }, { field: 'worst', title: 'worst model' }, { ...x, format: '.3~g' }, { ...y, format: '.3~g' }, { field: 'configuration' }],
            },
          },
        ],
      },
    },
  };
}
