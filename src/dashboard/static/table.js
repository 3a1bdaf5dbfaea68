// The trials table: every trial, sortable (click a header) and filterable (the row under the headers) by any
// column. Only the rows in view are in the DOM, so 10,000 trials scroll and update without stalling the page.
import { filterRows, parseFilter, sortRows } from './filters.js';
import { escapeHtml, formatInterval, formatNumber, metricHeader } from './format.js';

const ROW_HEIGHT_PX = 28;
const OVERSCAN_ROWS = 10;

export function createTable({ study, scroller, table, countElement, onOpen, onSelect, onRendered = () => undefined }) {
  let columns = [];
  let rows = [];
  let view = [];
  let sortColumn = 'id';
  let descending = false;
  const filters = new Map();
  const filterText = new Map();
  const selected = new Set();
  let frame = 0;
  let columnsKey = '';

  table.innerHTML = '<thead></thead><tbody></tbody>';
  const head = table.tHead;
  const body = table.tBodies[0];

  scroller.addEventListener('scroll', () => draw());
  head.addEventListener('click', (event) => {
    const header = event.target.closest('th[data-column]');
    if (!header || event.target.closest('input')) return;
    const id = header.dataset.column;
    descending = sortColumn === id ? !descending : false;
    sortColumn = id;
    refresh();
  });
  head.addEventListener('input', (event) => {
    const input = event.target.closest('input[data-filter]');
    if (!input) return;
    const column = columns.find((candidate) => candidate.id === input.dataset.filter);
    const parsed = parseFilter(input.value, column?.kind);
    filterText.set(input.dataset.filter, input.value);
    input.classList.toggle('invalid', Boolean(parsed.error));
    input.title = parsed.error ?? '';
    if (parsed.error) filters.delete(input.dataset.filter);
    else filters.set(input.dataset.filter, parsed);
    refresh();
  });
  body.addEventListener('click', (event) => {
    const row = event.target.closest('tr[data-trial-id]');
    // The trial link opens the trial through its own #trial/ID address.
    if (!row || event.target.closest('a')) return;
    const checkbox = event.target.closest('input[type=checkbox]');
    if (checkbox) {
      if (checkbox.checked) selected.add(row.dataset.config);
      else selected.delete(row.dataset.config);
      onSelect(new Set(selected));
      draw(true);
      return;
    }
    onOpen(row.dataset.trialId);
  });

  const catalog = { knobs: new Map(study.knobs.map((name) => [name, true])), metrics: new Set(), machines: false };

  /** All rows; `changed` (a delta's rows) limits the search for new columns to them. */
  function setRows(next, changed = next) {
    rows = next;
    absorb(catalog, changed);
    const key = catalogKey(catalog);
    if (key !== columnsKey) {
      columns = buildColumns(study, catalog);
      columnsKey = key;
      drawHead();
      drawn = { first: -1, last: -1, total: -1, rows: [] };
    }
    refresh();
  }

  function refresh() {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const startedMs = performance.now();
      const column = columns.find((candidate) => candidate.id === sortColumn);
      view = sortRows(filterRows(rows, columns, filters), column, descending);
      countElement.textContent = view.length === rows.length ? `${rows.length} trials` : `${view.length} of ${rows.length} trials`;
      drawHead(true);
      draw();
      onRendered(performance.now() - startedMs);
    });
  }

  function drawHead(sortOnly = false) {
    if (sortOnly) {
      for (const header of head.querySelectorAll('th[data-column]')) {
        header.dataset.sort = header.dataset.column === sortColumn ? (descending ? 'desc' : 'asc') : '';
      }
      return;
    }
    const titles = columns.map((column) => `<th data-column="${escapeHtml(column.id)}" class="${column.kind === 'number' ? 'num' : ''}" title="${escapeHtml(column.title)}">${escapeHtml(column.title)}</th>`);
    const inputs = columns.map((column) =>
      column.filterable === false
        ? '<th></th>'
        : `<th><input data-filter="${escapeHtml(column.id)}" placeholder="${column.kind === 'number' ? '>1, 2..8' : 'filter'}" value="${escapeHtml(filterText.get(column.id) ?? '')}" aria-label="filter ${escapeHtml(column.title)}"></th>`,
    );
    head.innerHTML = `<tr>${titles.join('')}</tr><tr class="filters">${inputs.join('')}</tr>`;
  }

  // What is in the DOM: a redraw that would show the same rows only replaces the rows whose content changed,
  // so an update elsewhere in a long table costs no layout of the visible part.
  let drawn = { first: -1, last: -1, total: -1, rows: [] };

  function draw(force = false) {
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT_PX) - OVERSCAN_ROWS);
    const count = Math.ceil(scroller.clientHeight / ROW_HEIGHT_PX) + 2 * OVERSCAN_ROWS;
    const last = Math.min(view.length, first + count);
    const visible = view.slice(first, last);
    const sameRows = !force && first === drawn.first && last === drawn.last && view.length === drawn.total && visible.every((row, index) => row.id === drawn.rows[index]?.id);
    if (sameRows) {
      visible.forEach((row, index) => {
        if (row !== drawn.rows[index]) body.rows[index + 1].outerHTML = rowHtml(row);
      });
    } else {
      const span = columns.length;
      body.innerHTML =
        `<tr class="spacer" style="height:${first * ROW_HEIGHT_PX}px"><td colspan="${span}"></td></tr>` +
        visible.map(rowHtml).join('') +
        `<tr class="spacer" style="height:${(view.length - last) * ROW_HEIGHT_PX}px"><td colspan="${span}"></td></tr>`;
    }
    drawn = { first, last, total: view.length, rows: visible };
  }

  function rowHtml(row) {
    return (
      `<tr data-trial-id="${escapeHtml(row.id)}" data-config="${escapeHtml(row.config)}" data-verdict="${row.verdict}" class="${selected.has(row.config) ? 'selected' : ''}">` +
      columns.map((column) => column.cell(row, selected)).join('') +
      '</tr>'
    );
  }

  return {
    setRows,
    selected: () => new Set(selected),
    clearSelection() {
      selected.clear();
      onSelect(new Set());
      draw(true);
    },
    clearFilters() {
      filters.clear();
      filterText.clear();
      drawHead();
      refresh();
    },
    visibleCount: () => view.length,
  };
}

/** Which knobs (numeric or not), metrics and machines the rows have: the columns follow from it. */
function absorb(catalog, rows) {
  for (const row of rows) {
    for (const [name, value] of Object.entries(row.knobs)) {
      if (catalog.knobs.get(name) !== false) catalog.knobs.set(name, typeof value === 'number');
    }
    for (const name of Object.keys(row.metrics)) catalog.metrics.add(name);
    if (row.machine) catalog.machines = true;
  }
}

function catalogKey(catalog) {
  return JSON.stringify([[...catalog.knobs], [...catalog.metrics].sort(), catalog.machines]);
}

/** Columns: selection, id, verdict, context, knobs, metrics (objectives first) with their intervals, reasons. */
function buildColumns(study, catalog) {
  const text = (id, title, value, extra = {}) => ({ id, title, kind: 'text', value, cell: (row) => `<td>${escapeHtml(value(row) ?? '')}</td>`, ...extra });
  const number = (id, title, value, format = formatNumber) => ({ id, title, kind: 'number', value, cell: (row) => `<td class="num">${escapeHtml(format(value(row)))}</td>` });
  const metricNames = catalog.metrics;
  const machines = catalog.machines;
  const objectives = study.objectives.map((objective) => objective.metric);
  const metricOrder = Object.keys(study.metrics);
  const metrics = [...objectives.filter((name) => metricNames.has(name)), ...[...metricNames].filter((name) => !objectives.includes(name)).sort((a, b) => rank(metricOrder, a) - rank(metricOrder, b))];
  return [
    {
      id: 'select',
      title: 'compare',
      kind: 'text',
      filterable: false,
      value: () => '',
      cell: (row, selected) => `<td class="select"><input type="checkbox" aria-label="compare this configuration" ${selected.has(row.config) ? 'checked' : ''}></td>`,
    },
    text('id', 'trial', (row) => row.id, { cell: (row) => `<td class="trial-id"><a href="#trial/${encodeURIComponent(row.id)}">${escapeHtml(row.id)}</a></td>` }),
    text('verdict', 'verdict', (row) => row.verdict, { cell: (row) => `<td><span class="verdict ${row.verdict}">${row.verdict}</span></td>` }),
    text('model', 'model', (row) => row.model),
    text('workload', 'workload', (row) => row.workload),
    text('load', 'load', (row) => row.load),
    ...(machines ? [text('machine', 'machine', (row) => row.machine)] : []),
    number('repetition', 'rep', (row) => row.repetition, String),
    ...[...catalog.knobs].map(([name, numeric]) =>
      numeric
        ? number(`knob:${name}`, name, (row) => row.knobs[name], (v) => (v === undefined ? '' : String(v)))
        : text(`knob:${name}`, name, (row) => (row.knobs[name] === undefined ? '' : String(row.knobs[name]))),
    ),
    ...metrics.map((name) => number(`metric:${name}`, metricHeader(study, name), (row) => row.metrics[name])),
    ...objectives.map((name) => ({
      id: `ci:${name}`,
      title: `${study.metrics[name]?.label ?? name}: configuration mean [95% CI]`,
      kind: 'number',
      value: (row) => row.summary?.[name]?.mean,
      cell: (row) => `<td class="num ci">${escapeHtml(formatInterval(row.summary?.[name]))}</td>`,
    })),
    text('reasons', 'reasons', (row) => row.reasons.join('; '), { cell: (row) => `<td class="reasons" title="${escapeHtml(row.reasons.join('\n'))}">${escapeHtml(row.reasons.join('; '))}</td>` }),
  ];
}

function rank(order, name) {
  const index = order.indexOf(name);
  return index < 0 ? order.length : index;
}
