/**
 * Trial rows as CSV in the analysis input format: trial, repetition, state, valid, knob.<name>, ctx.model,
 * ctx.workload, ctx.load, ctx.coServed (co-located models only), metric.<name>, failure. `servelab analyze` and the notebook's reload cells read it.
 */
import type { TrialRow } from '../core/trial.js';

export function trialsToCsv(rows: readonly TrialRow[], knobOrder: readonly string[] = []): string {
  const knobs = ordered(knobOrder, rows.flatMap((row) => Object.keys(row.configuration)));
  const metrics = ordered([], rows.flatMap((row) => Object.keys(row.metrics)));
  const coServed = rows.some((row) => row.context.coServed !== undefined);
  const header = ['trial', 'repetition', 'state', 'valid', ...knobs.map((knob) => `knob.${knob}`), 'ctx.model', 'ctx.workload', 'ctx.load', ...(coServed ? ['ctx.coServed'] : []), ...metrics.map((metric) => `metric.${metric}`), 'failure'];
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) {
    const cells: (string | number | boolean | undefined)[] = [
      row.trialId,
      row.repetition,
      row.state,
      row.valid,
      ...knobs.map((knob) => row.configuration[knob]),
      row.context.model,
      row.context.workload,
      row.context.load,
      ...(coServed ? [row.context.coServed] : []),
      ...metrics.map((metric) => row.metrics[metric]),
      row.failure ? `${row.failure.kind}: ${row.failure.reason}` : undefined,
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function ordered(first: readonly string[], all: readonly string[]): string[] {
  const seen = new Set(all);
  return [...first.filter((name) => seen.has(name)), ...[...seen].filter((name) => !first.includes(name)).sort()];
}

function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
