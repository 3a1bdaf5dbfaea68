/** Section 5: the load levels and the capacity they are relative to. */
import type { Block, Section } from '../document.js';
import { capacityFigure, capacitySearchFigure, storedCapacitySearch } from '../figures/capacity-figure.js';
import { formatNumber, formatPercent } from '../../core/format.js';
import { codeSpan, escapeInline } from '../inline.js';
import { figureBlocks, type SectionContext } from './context.js';

export async function loadsSection(context: SectionContext): Promise<Section> {
  const { loads, capacities } = context.input;
  const blocks: Block[] = [
    {
      kind: 'table',
      headers: ['load level', 'pattern', 'offered rate', 'duration', 'description'],
      rows: loads.map((load) => [
        codeSpan(load.name),
        escapeInline(load.pattern),
        load.fractionOfCapacity === undefined ? '–' : `${formatPercent(load.fractionOfCapacity)} of capacity`,
        load.durationMs === undefined ? '–' : `${formatNumber(load.durationMs / 1000)} s`,
        escapeInline(load.description),
      ]),
    },
  ];
  if (capacities.length === 0) {
    blocks.push({ kind: 'paragraph', text: 'No capacity measurement was stored for this study; load levels are absolute rates.' });
  } else {
    blocks.push(
      {
        kind: 'paragraph',
        text: 'Load levels are set relative to the capacity measured for each model and workload, so that the same level stresses every model comparably. The method column says how capacity was measured.',
      },
      {
        kind: 'table',
        headers: ['model', 'workload', 'capacity (req/s)', 'method', ...context.loadOrder.map((load) => `${escapeInline(load)} (req/s)`)],
        numericColumns: [2, ...context.loadOrder.map((_, index) => 4 + index)],
        rows: capacities.map((capacity) => [
          codeSpan(capacity.model),
          codeSpan(capacity.workload),
          formatNumber(capacity.capacityRps),
          escapeInline(roundLongDecimals(capacity.method)),
          ...context.loadOrder.map((load) => formatNumber(capacity.offeredRps?.[load])),
        ]),
      },
      ...(await figureBlocks(capacityFigure(capacities, context.loadOrder))),
      ...(await capacitySearchBlocks(capacities)),
    );
  }
  return { id: 'load-and-capacity', title: 'Load patterns and measured capacity', blocks };
}

/** Where each capacity's latency bound came from, and the search curve behind it. */
async function capacitySearchBlocks(capacities: SectionContext['input']['capacities']): Promise<Block[]> {
  const rows = capacities.flatMap((capacity) => {
    const search = storedCapacitySearch(capacity);
    if (!search) return [];
    const source = search.boundSource === 'study' ? 'set by the study' : 'unloaded service time';
    return [
      [
        codeSpan(capacity.model),
        codeSpan(capacity.workload),
        formatNumber(search.maxP99Ms),
        escapeInline(source),
        search.unloaded ? `${formatNumber(search.unloaded.p50Ms)} / ${formatNumber(search.unloaded.p99Ms)}` : '–',
        escapeInline(roundLongDecimals(search.boundRule)),
        String(search.steps.length),
      ],
    ];
  });
  if (rows.length === 0) return [];
  return [
    {
      kind: 'paragraph',
      text:
        'Capacity is the highest offered Poisson rate whose p99 latency stays under a bound and whose achieved rate is at least 95% of the offered one. ' +
        'The bound is the study’s own, or is derived from the model’s unloaded service time, measured first with one request at a time: ' +
        'max(5 × unloaded p99, unloaded p99 + 10 ms). Five times the unloaded p99 is where an M/M/1 queue stands at 80% utilisation; ' +
        'the 10 ms floor keeps timer jitter from setting the bound of a fast model. A bound is never taken from a loaded step.',
    },
    {
      kind: 'table',
      headers: ['model', 'workload', 'p99 bound (ms)', 'bound from', 'unloaded p50 / p99 (ms)', 'derivation', 'search steps'],
      numericColumns: [2, 6],
      rows,
    },
    ...(await figureBlocks(capacitySearchFigure(capacities))),
  ];
}

/** Floating-point noise in measured text (175.82999999999998 ms) shown as a readable number (176 ms). */
export function roundLongDecimals(text: string): string {
  return text.replace(/\d+\.\d{5,}/g, (number) => formatNumber(Number(number)));
}
