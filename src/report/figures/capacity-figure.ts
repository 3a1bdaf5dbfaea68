/** Measured capacity per model · workload and the offered rate of each load level. */
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
