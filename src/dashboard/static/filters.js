// Column filters of the trials table. Numbers: ">5", ">=5", "<5", "<=5", "=5" or "5", "!=5", "2..8" (inclusive).
// Text: a case-insensitive part of the value, "=exact", "!part" (rows without it). A filter that cannot be read is
// reported, not guessed. Pure functions, so they are tested without a browser.

const COMPARISONS = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** A predicate over a cell value, or { error } naming what was expected. Empty text matches everything. */
export function parseFilter(text, kind) {
  const source = String(text ?? '').trim();
  if (source === '') return { test: () => true };
  return kind === 'number' ? numberFilter(source) : textFilter(source);
}

function numberFilter(source) {
  const range = /^(-?[\d.eE+-]+)\s*\.\.\s*(-?[\d.eE+-]+)$/.exec(source);
  if (range) {
    const low = Number(range[1]);
    const high = Number(range[2]);
    if (Number.isFinite(low) && Number.isFinite(high)) return { test: (value) => typeof value === 'number' && value >= low && value <= high };
  }
  const comparison = /^(>=|<=|!=|>|<|=)?\s*(-?[\d.eE+-]+)$/.exec(source);
  if (comparison) {
    const bound = Number(comparison[2]);
    const compare = COMPARISONS[comparison[1] ?? '='];
    if (Number.isFinite(bound)) return { test: (value) => typeof value === 'number' && compare(value, bound) };
  }
  return { error: `expected a number filter such as >5, <=2.5, =4, !=1 or 2..8; got "${source}"` };
}

function textFilter(source) {
  if (source.startsWith('=')) {
    const exact = source.slice(1).trim().toLowerCase();
    return { test: (value) => String(value ?? '').toLowerCase() === exact };
  }
  if (source.startsWith('!')) {
    const part = source.slice(1).trim().toLowerCase();
    return { test: (value) => !String(value ?? '').toLowerCase().includes(part) };
  }
  const part = source.toLowerCase();
  return { test: (value) => String(value ?? '').toLowerCase().includes(part) };
}

/** Rows passing every column filter; `filters` maps a column id to its parsed filter. */
export function filterRows(rows, columns, filters) {
  const active = columns.filter((column) => filters.has(column.id) && filters.get(column.id).test);
  if (active.length === 0) return rows.slice();
  return rows.filter((row) => active.every((column) => filters.get(column.id).test(column.value(row))));
}

// One collator for every comparison: String.localeCompare with options builds one per call, ten times slower.
const NATURAL = new Intl.Collator('en', { numeric: true });

/** Sorted copy; missing values last in either direction; numbers by value, text by natural order. */
export function sortRows(rows, column, descending) {
  if (!column) return rows;
  const sign = descending ? -1 : 1;
  const keyed = rows.map((row) => ({ row, value: column.value(row) }));
  keyed.sort((a, b) => {
    const missingA = a.value === undefined || a.value === null || a.value === '';
    const missingB = b.value === undefined || b.value === null || b.value === '';
    if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
    if (typeof a.value === 'number' && typeof b.value === 'number') return sign * (a.value - b.value);
    return sign * NATURAL.compare(String(a.value), String(b.value));
  });
  return keyed.map((entry) => entry.row);
}
