/** Latency split into its parts as stacked bars: for a finding's comparison, and for every configuration measured. */
import type { Explanation } from '../../analysis/types.js';
import { environmentLabel, metricTitle } from '../../core/format.js';
import { bandOfLatencyMetric, componentMetric, hasDecomposition, LATENCY_COMPONENTS } from '../../core/latency-components.js';
import type { TrialPoint } from '../trial-points.js';
import { roundForFigure } from './records.js';
import type { FigureDefinition } from './render.js';

/** Row labels above each panel, left-aligned: rotated beside it, long environment names overlap. */
const FACET_HEADER = { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 'bold', labelLimit: 600 } as const;

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
      `The parts of the latency (send lag, transport, batching wait, other queueing, compute, serialization) for each side of the comparison the finding makes, ` +
      `averaged over the requests of the band that matches ${metric} and over the compared configurations.`,
    spec: {
      data: { values: records },
      facet: { row: { field: 'where', type: 'nominal', title: null, sort: { field: 'order' }, header: FACET_HEADER } },
      spec: {
        width: 420,
        height: 60,
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'side', type: 'nominal', title: null, sort: { field: 'sideOrder' }, axis: { labelLimit: 360 } },
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

/**
 * Every valid configuration's latency split into its parts, per environment (mean over repetitions), for the band
 * that matches the metric (p99_ms → the requests at or above the p99). Descriptive: which differences exceed the
 * noise is for the findings to say. Undefined when the trials lack the decomposition.
 */
export function configurationDecompositionFigure(points: readonly TrialPoint[], metric: string, environmentOrder: readonly string[]): FigureDefinition | undefined {
  const band = bandOfLatencyMetric(metric);
  if (band === undefined) return undefined;
  const decomposed = points.filter((point) => hasDecomposition((name) => Number.isFinite(point.metrics[name]), band));
  if (decomposed.length === 0) return undefined;
  const { shown, thinned } = bestAndWorstPerEnvironment(decomposed, metric);
  const labelOf = varyingKnobLabel(shown);
  const records = shown.flatMap((point) =>
    LATENCY_COMPONENTS.filter((part) => Number.isFinite(point.metrics[componentMetric(band, part.key)])).map((part) => ({
      environment: environmentLabel(point.environment),
      order: environmentOrder.indexOf(point.environment),
      configuration: labelOf(point),
      part: part.label,
      partOrder: LATENCY_COMPONENTS.indexOf(part),
      ms: roundForFigure(point.metrics[componentMetric(band, part.key)]!),
    })),
  );
  const bandText = band === 'mean' ? 'all requests' : band === 'p50' ? 'the requests near the median latency' : 'the requests at or above the p99 latency';
  return {
    id: `decomposition-${metric}`,
    title: `Where the ${metricTitle(metric)} goes, per configuration`,
    caption:
      `Each configuration's latency split into send lag, transport, batching wait, other queueing, compute and serialization, averaged over ${bandText} ` +
      `and over its valid repetitions` +
      (thinned ? `; where an environment has more than ${2 * SHOWN_AT_EACH_END} configurations, its ${SHOWN_AT_EACH_END} best and ${SHOWN_AT_EACH_END} worst by ${metric} are shown` : '') +
      `. Descriptive only: which differences exceed the noise is decided in the findings and the effects section.`,
    spec: {
      data: { values: records },
      facet: { row: { field: 'environment', type: 'nominal', title: null, sort: { field: 'order' }, header: FACET_HEADER } },
      spec: {
        width: 420,
        height: { step: 14 },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'configuration', type: 'nominal', title: null, sort: null, axis: { labelLimit: 360 } },
          x: { field: 'ms', type: 'quantitative', title: 'ms', stack: 'zero' },
          color: { field: 'part', type: 'nominal', title: 'part', sort: { field: 'partOrder' } },
          order: { field: 'partOrder' },
          tooltip: [
            { field: 'environment', title: 'environment' },
            { field: 'configuration', title: 'configuration' },
            { field: 'part', title: 'part' },
            { field: 'ms', title: 'ms', format: '.3~g' },
          ],
        },
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
    },
  };
}

const SHOWN_AT_EACH_END = 12;

/** Labels naming only the knobs that differ between the configurations shown: the rest would only truncate them. */
function varyingKnobLabel(points: readonly TrialPoint[]): (point: TrialPoint) => string {
  const knobs = [...new Set(points.flatMap((point) => Object.keys(point.configuration)))];
  const varying = knobs.filter((knob) => new Set(points.map((point) => JSON.stringify(point.configuration[knob]))).size > 1);
  return (point) => (varying.length === 0 ? point.label : varying.map((knob) => `${knob}=${String(point.configuration[knob])}`).join(', '));
}

/** Per environment, its configurations sorted by the metric, keeping both ends when there are too many to read. */
function bestAndWorstPerEnvironment(points: readonly TrialPoint[], metric: string): { shown: TrialPoint[]; thinned: boolean } {
  const byEnvironment = new Map<string, TrialPoint[]>();
  for (const point of points) byEnvironment.set(point.environment, [...(byEnvironment.get(point.environment) ?? []), point]);
  let thinned = false;
  const shown = [...byEnvironment.values()].flatMap((group) => {
    const sorted = [...group].sort((a, b) => (a.metrics[metric] ?? Infinity) - (b.metrics[metric] ?? Infinity));
    if (sorted.length <= 2 * SHOWN_AT_EACH_END) return sorted;
    thinned = true;
    return [...sorted.slice(0, SHOWN_AT_EACH_END), ...sorted.slice(-SHOWN_AT_EACH_END)];
  });
  return { shown, thinned };
}
