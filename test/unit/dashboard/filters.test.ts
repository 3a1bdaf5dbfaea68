/** The trials table's column filters and sorting (the page's own module, pure functions). */
import assert from 'node:assert/strict';
import { test } from 'node:test';

interface Filter {
  readonly test?: (value: unknown) => boolean;
  readonly error?: string;
}
interface Column {
  readonly id: string;
  readonly value: (row: Record<string, unknown>) => unknown;
}
interface FiltersModule {
  parseFilter(text: string, kind: 'number' | 'text'): Filter;
  filterRows(rows: readonly Record<string, unknown>[], columns: readonly Column[], filters: Map<string, Filter>): Record<string, unknown>[];
  sortRows(rows: readonly Record<string, unknown>[], column: Column | undefined, descending: boolean): Record<string, unknown>[];
}

// A browser module without type declarations: loaded by URL so the type checker does not look for them.
const filters = (await import(new URL('../../../src/dashboard/static/filters.js', import.meta.url).href)) as FiltersModule;

const accepts = (text: string, kind: 'number' | 'text', value: unknown): boolean => {
  const filter = filters.parseFilter(text, kind);
  assert.equal(filter.error, undefined, `"${text}" should parse`);
  return filter.test!(value);
};

test('number filters: comparisons, equality, ranges; non-numbers never match', () => {
  assert.equal(accepts('>5', 'number', 6), true);
  assert.equal(accepts('>5', 'number', 5), false);
  assert.equal(accepts('>=5', 'number', 5), true);
  assert.equal(accepts('< 2.5', 'number', 2.4), true);
  assert.equal(accepts('<=2.5', 'number', 2.6), false);
  assert.equal(accepts('4', 'number', 4), true);
  assert.equal(accepts('=4', 'number', 4.5), false);
  assert.equal(accepts('!=1', 'number', 2), true);
  assert.equal(accepts('2..8', 'number', 8), true);
  assert.equal(accepts('1.5..3', 'number', 1.4), false);
  assert.equal(accepts('-3..-1', 'number', -2), true);
  assert.equal(accepts('1e-3..1e-2', 'number', 0.005), true);
  assert.equal(accepts('>5', 'number', undefined), false);
  assert.equal(accepts('>5', 'number', '7'), false);
  assert.equal(accepts('', 'number', undefined), true);
});

test('a number filter that cannot be read is an error naming what is expected, not a guess', () => {
  for (const text of ['fast', '>>3', '2..', '5..x', '=']) {
    const filter = filters.parseFilter(text, 'number');
    assert.equal(filter.test, undefined, text);
    assert.match(filter.error!, /expected a number filter such as >5/);
  }
});

test('text filters: case-insensitive part, =exact, !excluded', () => {
  assert.equal(accepts('MNIST', 'text', 'mnist-cnn'), true);
  assert.equal(accepts('=mnist', 'text', 'mnist-cnn'), false);
  assert.equal(accepts('=Mnist-CNN', 'text', 'mnist-cnn'), true);
  assert.equal(accepts('!200rps', 'text', 'constant@400rps'), true);
  assert.equal(accepts('!200rps', 'text', 'constant@200rps'), false);
  assert.equal(accepts('true', 'text', true), true);
  assert.equal(accepts('x', 'text', undefined), false);
});

test('rows pass every active filter; sorting keeps missing values last both ways', () => {
  const rows = [
    { id: 't1', load: 'light', p99: 3 },
    { id: 't2', load: 'medium', p99: undefined },
    { id: 't10', load: 'light', p99: 1 },
    { id: 't3', load: 'light', p99: 7 },
  ];
  const columns: Column[] = [
    { id: 'id', value: (row) => row.id },
    { id: 'load', value: (row) => row.load },
    { id: 'p99', value: (row) => row.p99 },
  ];
  const active = new Map([
    ['load', filters.parseFilter('=light', 'text')],
    ['p99', filters.parseFilter('>=3', 'number')],
  ]);
  assert.deepEqual(filters.filterRows(rows, columns, active).map((row) => row.id), ['t1', 't3']);
  assert.deepEqual(filters.sortRows(rows, columns[2], false).map((row) => row.id), ['t10', 't1', 't3', 't2']);
  assert.deepEqual(filters.sortRows(rows, columns[2], true).map((row) => row.id), ['t3', 't1', 't10', 't2']);
  // Text in natural order: t10 after t3.
  assert.deepEqual(filters.sortRows(rows, columns[0], false).map((row) => row.id), ['t1', 't2', 't3', 't10']);
});
