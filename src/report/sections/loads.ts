/** Section 5: the load levels and the capacity they are relative to. */
import type { Block, Section } from '../document.js';
import { capacityFigure } from '../figures/capacity-figure.js';
import { formatNumber, formatPercent } from '../format.js';
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
    );
  }
  return { id: 'load-and-capacity', title: 'Load patterns and measured capacity', blocks };
}

/** Floating-point noise in measured text (175.82999999999998 ms) shown as a readable number (176 ms). */
export function roundLongDecimals(text: string): string {
  return text.replace(/\d+\.\d{5,}/g, (number) => formatNumber(Number(number)));
}
