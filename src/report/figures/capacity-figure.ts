/** Measured capacity per model · workload, the offered rate of each load level, and the search behind it. */
import { z } from 'zod';
import type { CapacityMeasurement } from '../input.js';
import { roundForFigure } from './records.js';
import { scaleFor, withScaleNote, type FigureDefinition } from './render.js';

export function capacityFigure(capacities: readonly CapacityMeasurement[], loadOrder: readonly string[]): FigureDefinition | undefined {
  const offered = capacities.flatMap((capacity) =>
    Object.entries(capacity.offeredRps ?? {}).map(([load, rps]) => ({ series: `${capacity.model} · ${capacity.workload}`, load, rps: roundForFigure(rps), kind: 'offered' })),
  );
  const measured = capacities.map((capacity) => ({ series: `${capacity.model} · ${capacity.workload}`, load: 'capacity', rps: roundForFigure(capacity.capacityRps), kind: 'capacity' }));
  if (measured.length === 0) return undefined;
  const scale = scaleFor([...offered, ...measured].map((record) => record.rps));
  const x = { field: 'rps', type: 'quantitative', title: withScaleNote('request rate (req/s)', scale), scale };
  const y = { field: 'series', type: 'nominal', title: 'model · workload', axis: { labelLimit: 0 } };
  return {
    id: 'capacity',
    title: 'Measured capacity and offered load',
    caption:
      'Black ticks: the capacity (saturation throughput) measured for each model · workload before the sweep. ' +
      'Dots: the request rate each load level offered.',
    spec: {
      width: 480,
      data: { values: [...offered, ...measured] },
      layer: [
        {
          transform: [{ filter: "datum.kind === 'offered'" }],
          mark: { type: 'point', filled: true, size: 90, opacity: 1 },
          encoding: {
            x,
            y,
            color: { field: 'load', type: 'nominal', title: 'load level', sort: loadOrder, scale: { scheme: 'tableau10' } },
            tooltip: [y, { field: 'load', type: 'nominal', title: 'load level' }, { ...x, title: 'offered (req/s)', format: '.4~g' }],
          },
        },
        {
          transform: [{ filter: "datum.kind === 'capacity'" }],
          mark: { type: 'tick', color: 'black', thickness: 3, size: 22 },
          encoding: { x, y, tooltip: [y, { ...x, title: 'measured capacity (req/s)', format: '.4~g' }] },
        },
      ],
    },
  };
}

/** The parts of a stored capacity search (src/load/capacity.ts CapacityResult) the report shows. */
const storedSearchSchema = z.object({
  capacityRps: z.number(),
  maxP99Ms: z.number(),
  boundSource: z.enum(['study', 'unloaded-service-time']),
  boundRule: z.string(),
  unloaded: z.object({ p50Ms: z.number(), p99Ms: z.number(), requests: z.number() }).nullable(),
  steps: z.array(
    z.object({ rateRps: z.number(), achievedRps: z.number(), p99Ms: z.number().nullable(), passed: z.boolean(), note: z.string().nullable(), measuredAgain: z.boolean().optional() }),
  ),
});
export type StoredCapacitySearch = z.output<typeof storedSearchSchema>;

/** The search curve and bound of a capacity measurement, or null when it was stored without them (older studies). */
export function storedCapacitySearch(capacity: CapacityMeasurement): StoredCapacitySearch | null {
  const parsed = storedSearchSchema.safeParse(capacity.details);
  return parsed.success ? parsed.data : null;
}

/** Every step of each capacity search: p99 against the offered rate, with the bound and the capacity found. */
export function capacitySearchFigure(capacities: readonly CapacityMeasurement[]): FigureDefinition | undefined {
  const searches = capacities.flatMap((capacity) => {
    const search = storedCapacitySearch(capacity);
    return search ? [{ series: `${capacity.model} · ${capacity.workload}`, search }] : [];
  });
  if (searches.length === 0) return undefined;
  const steps = searches.flatMap(({ series, search }) =>
    search.steps
      .filter((step) => step.p99Ms !== null && step.p99Ms > 0)
      .map((step, order) => ({
        series,
        rps: roundForFigure(step.rateRps),
        achieved: roundForFigure(step.achievedRps),
        p99: roundForFigure(step.p99Ms!),
        result: step.measuredAgain ? 'measured again' : step.passed ? 'passed' : 'failed',
        note: step.note ?? '',
        order: order + 1,
        kind: 'step',
      })),
  );
  const bounds = searches.map(({ series, search }) => ({ series, bound: roundForFigure(search.maxP99Ms), capacity: roundForFigure(search.capacityRps), kind: 'bound' }));
  const onlySteps = [{ filter: "datum.kind === 'step'" }];
  const onlyBounds = [{ filter: "datum.kind === 'bound'" }];
  const x = { field: 'rps', type: 'quantitative', title: 'offered rate (req/s)', scale: { type: 'log' } };
  const y = { field: 'p99', type: 'quantitative', title: 'p99 latency (ms)', scale: { type: 'log' } };
  return {
    id: 'capacity-search',
    title: 'Capacity search: p99 of every step and the latency bound',
    caption:
      'One panel per model · workload. Dots: every step of the capacity search, joined in order of rate (filled: passed — p99 under the bound and at least 95% ' +
      'of the offered rate achieved; hollow: failed; grey: a failed first measurement, set aside because the same rate was measured again). Dashed line: the p99 bound; solid line: the capacity found (the highest rate that passed). ' +
      'The table above says where each bound came from.',
    spec: {
      data: { values: [...steps, ...bounds] },
      facet: { row: { field: 'series', type: 'nominal', title: null } },
      spec: {
        width: 420,
        height: 160,
        layer: [
          {
            transform: onlySteps,
            mark: { type: 'line', color: '#bbb', strokeWidth: 1 },
            encoding: { x, y, order: { field: 'rps', type: 'quantitative' } },
          },
          {
            transform: onlySteps,
            mark: { type: 'point', size: 70, strokeWidth: 2 },
            encoding: {
              x,
              y,
              color: { field: 'result', type: 'nominal', title: 'step', scale: { domain: ['passed', 'failed', 'measured again'], range: ['#1b7837', '#c51b7d', '#999'] } },
              fill: { field: 'result', type: 'nominal', legend: null, scale: { domain: ['passed', 'failed', 'measured again'], range: ['#1b7837', 'transparent', 'transparent'] } },
              tooltip: [
                { field: 'order', type: 'quantitative', title: 'step' },
                { ...x, format: '.4~g' },
                { field: 'achieved', type: 'quantitative', title: 'achieved (req/s)', format: '.4~g' },
                { ...y, format: '.4~g' },
                { field: 'note', type: 'nominal', title: 'why it failed' },
              ],
            },
          },
          { transform: onlyBounds, mark: { type: 'rule', strokeDash: [6, 4], color: 'black' }, encoding: { y: { field: 'bound', type: 'quantitative' } } },
          { transform: onlyBounds, mark: { type: 'rule', color: 'black' }, encoding: { x: { field: 'capacity', type: 'quantitative' } } },
        ],
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
    },
  };
}
