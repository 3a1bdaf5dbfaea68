/** Knob effect figures: main-effect plots, knob importance, and the interaction plot of the strongest pair. */
import type { MetricEffects } from '../../analysis/types.js';
import type { Configuration } from '../../core/space.js';
import { metricTitle } from '../../core/format.js';
import { quantile, type TrialPoint } from '../trial-points.js';
import { roundForFigure } from './records.js';
import { scaleFor, withScaleNote, type FigureDefinition } from './render.js';

export function mainEffectsFigure(metric: string, effects: MetricEffects): FigureDefinition | undefined {
  const records = effects.main.flatMap((effect) =>
    effect.levels.map((level, order) => ({
      knob: effect.knob,
      level: level.level,
      order,
      mean: roundForFigure(level.mean),
      n: level.n,
      significance: effect.significant ? 'significant' : 'not significant',
      pValue: effect.pValue,
    })),
  );
  if (records.length === 0) return undefined;
  const scale = scaleFor(records.map((record) => record.mean));
  return {
    id: `main-effects-${metric.replace(/_/g, '-')}`,
    title: `Main effects on ${metricTitle(metric)}`,
    caption:
      `Mean ${metricTitle(metric)} at each level of each knob, averaged over all other knobs and environments as the analysis ` +
      'computed them. A steep line is a strong effect; a dashed grey line is not statistically significant.',
    spec: {
      data: { values: records },
      facet: { field: 'knob', type: 'nominal', title: null, sort: effects.main.map((effect) => effect.knob) },
      columns: Math.min(5, effects.main.length),
      spec: {
        width: 150,
        height: 130,
        layer: [
          {
            mark: { type: 'line', point: { filled: true, size: 40 } },
            encoding: {
              x: { field: 'level', type: 'ordinal', title: 'level', sort: { field: 'order' }, axis: { labelAngle: 0 } },
              y: { field: 'mean', type: 'quantitative', title: withScaleNote(`mean ${metricTitle(metric)}`, scale), scale },
              color: {
                field: 'significance',
                type: 'nominal',
                title: 'effect',
                scale: { domain: ['significant', 'not significant'], range: ['#1f77b4', '#9aa5b1'] },
              },
              strokeDash: {
                field: 'significance',
                type: 'nominal',
                legend: null,
                scale: { domain: ['significant', 'not significant'], range: [[1, 0], [4, 3]] },
              },
              tooltip: [
                { field: 'knob', type: 'nominal' },
                { field: 'level', type: 'nominal' },
                { field: 'mean', type: 'quantitative', title: `mean ${metricTitle(metric)}`, format: '.4~g' },
                { field: 'n', type: 'quantitative', title: 'trials' },
                { field: 'pValue', type: 'quantitative', title: 'p-value', format: '.3~g' },
              ],
            },
          },
        ],
      },
      resolve: { scale: { x: 'independent' } },
    },
  };
}

export function importanceFigure(effectsByMetric: Readonly<Record<string, MetricEffects>>, metrics: readonly string[]): FigureDefinition | undefined {
  const records = metrics.flatMap((metric) =>
    (effectsByMetric[metric]?.importance ?? []).map((entry) => ({ metric: metricTitle(metric), knob: entry.knob, importance: roundForFigure(entry.importance) })),
  );
  if (records.length === 0) return undefined;
  return {
    id: 'knob-importance',
    title: 'Knob importance per metric',
    caption: 'How much of each metric\'s variation each knob explains (relative importance from the analysis\'s tree model; larger is more important).',
    spec: {
      data: { values: records },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'knob', type: 'nominal', title: 'knob', sort: '-x' },
        x: { field: 'importance', type: 'quantitative', title: 'relative importance (unitless)' },
        color: { field: 'metric', type: 'nominal', title: 'metric', scale: { scheme: 'tableau10' } },
        yOffset: { field: 'metric', type: 'nominal' },
        tooltip: [
          { field: 'metric', type: 'nominal' },
          { field: 'knob', type: 'nominal' },
          { field: 'importance', type: 'quantitative', format: '.3~g' },
        ],
      },
      width: 420,
    },
  };
}

/**
 * The classic interaction plot for two knobs, from the measured points: for each environment the metric is divided
 * by that environment's median (models differ by orders of magnitude), then averaged per pair of levels.
 * Non-parallel lines show the interaction.
 */
export function interactionFigure(points: readonly TrialPoint[], metric: string, knobs: readonly [string, string]): FigureDefinition | undefined {
  const medians = environmentMedians(points, metric);
  const cells = new Map<string, { a: string; b: string; sum: number; n: number }>();
  for (const point of points) {
    const value = point.metrics[metric];
    const median = medians.get(point.environment);
    const a = levelOf(point.configuration, knobs[0]);
    const b = levelOf(point.configuration, knobs[1]);
    if (value === undefined || !median || a === undefined || b === undefined) continue;
    const key = `${a}\u0000${b}`;
    const cell = cells.get(key) ?? { a, b, sum: 0, n: 0 };
    cell.sum += value / median;
    cell.n += 1;
    cells.set(key, cell);
  }
  if (cells.size < 4) return undefined;
  const records = [...cells.values()].map((cell) => ({ [safe(knobs[0])]: cell.a, [safe(knobs[1])]: cell.b, relative: roundForFigure(cell.sum / cell.n), n: cell.n }));
  const levelsA = sortLevels([...new Set(records.map((record) => String(record[safe(knobs[0])])))]);
  const levelsB = sortLevels([...new Set(records.map((record) => String(record[safe(knobs[1])])))]);
  return {
    id: `interaction-${metric.replace(/_/g, '-')}-${safe(knobs[0])}-${safe(knobs[1])}`.toLowerCase(),
    title: `Interaction of ${knobs[0]} and ${knobs[1]} on ${metricTitle(metric)}`,
    caption:
      `Mean ${metricTitle(metric)} relative to each environment's median (1 = median), for each pair of levels of ${knobs[0]} ` +
      `and ${knobs[1]}. Parallel lines mean no interaction; crossing or diverging lines mean the effect of one knob depends on the other.`,
    spec: {
      width: 360,
      height: 220,
      data: { values: records },
      mark: { type: 'line', point: { filled: true, size: 50 } },
      encoding: {
        x: { field: safe(knobs[0]), type: 'ordinal', title: knobs[0], sort: levelsA, axis: { labelAngle: 0 } },
        y: { field: 'relative', type: 'quantitative', title: `${metricTitle(metric).replace(/ \(.*\)$/, '')} relative to environment median (×)`, scale: { zero: false } },
        color: { field: safe(knobs[1]), type: 'nominal', title: knobs[1], sort: levelsB, scale: { scheme: 'tableau10' } },
        tooltip: [
          { field: safe(knobs[0]), type: 'nominal', title: knobs[0] },
          { field: safe(knobs[1]), type: 'nominal', title: knobs[1] },
          { field: 'relative', type: 'quantitative', title: 'relative to median (×)', format: '.3~g' },
          { field: 'n', type: 'quantitative', title: 'configurations' },
        ],
      },
    },
  };
}

function environmentMedians(points: readonly TrialPoint[], metric: string): Map<string, number> {
  const values = new Map<string, number[]>();
  for (const point of points) {
    const value = point.metrics[metric];
    if (value === undefined || !Number.isFinite(value)) continue;
    const list = values.get(point.environment) ?? [];
    list.push(value);
    values.set(point.environment, list);
  }
  return new Map([...values].map(([environment, list]) => [environment, quantile(list.sort((a, b) => a - b), 0.5)]));
}

function levelOf(configuration: Configuration, knob: string): string | undefined {
  const value = configuration[knob];
  return value === undefined ? undefined : String(value);
}

/** Field names for Vega-Lite: dots would be read as nested access. */
function safe(knob: string): string {
  return knob.replace(/[^A-Za-z0-9_]/g, '_');
}

function sortLevels(levels: string[]): string[] {
  const numeric = levels.every((level) => level !== '' && Number.isFinite(Number(level)));
  return numeric ? levels.sort((a, b) => Number(a) - Number(b)) : levels.sort();
}
