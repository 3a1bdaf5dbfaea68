/** Section 6: per model × workload × load: latency percentiles, throughput and energy per inference. */
import type { Block, Section } from '../document.js';
import { configurationDecompositionFigure } from '../figures/decomposition-figure.js';
import { metricSpreadFigure } from '../figures/results-figures.js';
import { environmentLabel, formatNumber, formatPercent, higherIsBetter, metricTitle } from '../../core/format.js';
import { codeSpan, escapeInline } from '../inline.js';
import { quantile, rowOutcomes, type TrialPoint } from '../trial-points.js';
import { figureBlocks, type SectionContext } from './context.js';

const SUMMARY_METRICS = ['p50_ms', 'p95_ms', 'p99_ms', 'achieved_rps', 'energy_j_per_inf'] as const;

export async function resultsSection(context: SectionContext): Promise<Section> {
  const { points, environmentOrder } = context;
  const outcomes = rowOutcomes(context.input.rows);
  const excluded = context.input.analysis.excluded;
  const primary = context.objectiveMetrics[0] ?? 'p99_ms';
  const byEnvironment = groupBy(points, (point) => point.environment);
  const metrics = SUMMARY_METRICS.filter((metric) => points.some((point) => Number.isFinite(point.metrics[metric])));
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `Of ${excluded.totalRows} trial rows, ${outcomes.completed} were valid; ${outcomes.invalid} were measured but judged invalid by the ` +
        `run's verdict and ${outcomes.failed} belong to failed trials (crash, timeout, out of memory). The analysis used ` +
        `${excluded.analyzedRows} rows: it also left out ${excluded.unstable} rows of configurations whose repetitions varied by more ` +
        `than ${formatPercent(context.input.analysis.settings.maxCv)} (coefficient of variation) and ${excluded.incomplete} incomplete rows.` +
        (excluded.metricsLeftOut.length > 0 ? ` Metrics measured in only some rows were not analysed: ${excluded.metricsLeftOut.map(codeSpan).join(', ')}.` : ''),
    },
    { kind: 'heading', text: 'Best and median configuration per environment' },
    {
      kind: 'paragraph',
      text:
        `For each environment, the best value any configuration reached and the median over configurations (in brackets). ` +
        `Lower is better for latency and energy, higher for throughput.`,
    },
    {
      kind: 'table',
      headers: ['model', 'workload', 'load', 'configs', ...metrics.map((metric) => escapeInline(metricTitle(metric)))],
      numericColumns: [3, ...metrics.map((_, index) => 4 + index)],
      rows: environmentOrder
        .filter((environment) => byEnvironment.has(environment))
        .map((environment) => {
          const group = byEnvironment.get(environment)!;
          // Parts beyond the load (what the model was served with, the machine) tell environments apart here too.
          const [model = '', workload = '', load = '', ...rest] = environment.split('|');
          return [codeSpan(model), codeSpan(workload), codeSpan([load, ...rest].join(' · ')), String(group.length), ...metrics.map((metric) => bestAndMedian(group, metric))];
        }),
    },
    { kind: 'heading', text: `Best configuration for ${metricTitle(primary)}` },
    {
      kind: 'table',
      headers: ['environment', 'configuration', escapeInline(metricTitle(primary)), ...metrics.filter((metric) => metric !== primary).map((metric) => escapeInline(metricTitle(metric)))],
      numericColumns: [2, ...metrics.filter((metric) => metric !== primary).map((_, index) => 3 + index)],
      rows: environmentOrder
        .filter((environment) => byEnvironment.has(environment))
        .flatMap((environment) => {
          const best = bestPoint(byEnvironment.get(environment)!, primary);
          if (!best) return [];
          return [[
            escapeInline(environmentLabel(environment)),
            codeSpan(best.label),
            formatNumber(best.metrics[primary]),
            ...metrics.filter((metric) => metric !== primary).map((metric) => formatNumber(best.metrics[metric])),
          ]];
        }),
    },
    ...(await figureBlocks(metricSpreadFigure(points, 'p99_ms', context.loadOrder))),
    ...(await figureBlocks(metricSpreadFigure(points, 'energy_j_per_inf', context.loadOrder))),
    ...(await figureBlocks(metricSpreadFigure(points, 'achieved_rps', context.loadOrder))),
    ...(await figureBlocks(configurationDecompositionFigure(points, primary, environmentOrder))),
  ];
  return { id: 'results', title: 'Results per model, workload and load', blocks };
}

function bestAndMedian(points: readonly TrialPoint[], metric: string): string {
  const values = points.map((point) => point.metrics[metric]).filter((value): value is number => value !== undefined && Number.isFinite(value));
  if (values.length === 0) return '–';
  values.sort((a, b) => a - b);
  const best = higherIsBetter(metric) ? values[values.length - 1]! : values[0]!;
  return `${formatNumber(best)} (${formatNumber(quantile(values, 0.5))})`;
}

export function bestPoint(points: readonly TrialPoint[], metric: string): TrialPoint | undefined {
  const sign = higherIsBetter(metric) ? -1 : 1;
  let best: TrialPoint | undefined;
  for (const point of points) {
    const value = point.metrics[metric];
    if (value === undefined || !Number.isFinite(value)) continue;
    if (!best || sign * value < sign * best.metrics[metric]!) best = point;
  }
  return best;
}

export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
