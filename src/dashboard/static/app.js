// The dashboard page: loads the study and its trials once, then follows the server's event stream — a delta of
// changed trials, the progress, and a notice when new figures are ready — instead of reloading the study.
import { renderCompare } from './compare.js';
import { createDetail } from './detail.js';
import { createFigures, createTooltip } from './figures.js';
import { escapeHtml, formatDuration } from './format.js';
import { createProgress } from './progress.js';
import { createTable } from './table.js';

const $ = (selector) => document.querySelector(selector);

const state = { version: -1, rows: new Map(), order: [], loading: null, pending: [], analysisVersion: 0, selected: new Set() };

const study = await getJson('/api/study');
document.title = `servelab dashboard: ${study.studyId}`;
$('#study-name').textContent = study.studyId;
$('#study-meta').innerHTML = [
  study.description ? escapeHtml(study.description) : '',
  `objectives: ${study.objectives.map((o) => `${escapeHtml(o.metric)} (${o.direction})`).join(', ')}`,
  study.sampler ? `sampler: ${escapeHtml(study.sampler)}` : '',
  study.repetitions ? `${study.repetitions} repetition${study.repetitions > 1 ? 's' : ''}` : '',
  `store: <code>${escapeHtml(study.store)}</code>`,
].filter(Boolean).join(' · ');

const tooltip = createTooltip($('#tooltip'));
const progress = createProgress($('#progress-body'));
const figures = createFigures({ list: $('#figure-list'), notes: $('#figure-notes'), tooltip });
const detail = createDetail({ dialog: $('#trial-detail'), study });
const table = createTable({
  study,
  scroller: $('#table-scroll'),
  table: $('#trial-table'),
  countElement: $('#trial-count'),
  onOpen: (id) => (location.hash = `trial/${encodeURIComponent(id)}`),
  onRendered: (ms) => recordTiming('render', ms),
  onSelect: (selected) => {
    state.selected = selected;
    $('#compare-count').textContent = String(selected.size);
    showCompare();
  },
});
$('#clear-filters').addEventListener('click', () => table.clearFilters());
$('#compare').addEventListener('click', (event) => {
  if (event.target.closest('[data-action=clear-compare]')) table.clearSelection();
});
window.addEventListener('hashchange', openFromHash);
openFromHash();
connect();

function connect() {
  const events = new EventSource('/api/events');
  events.onopen = () => setLive('live', 'live');
  events.onerror = () => setLive('reconnecting', 'connection lost, reconnecting…');
  events.addEventListener('status', (event) => {
    const status = JSON.parse(event.data);
    if (status.storeError) setLive('store-error', `the store cannot be read: ${status.storeError}`);
    else setLive('live', 'live');
    if (status.trialsVersion !== state.version) loadTrials();
    if (status.analysisVersion > state.analysisVersion) loadAnalysis();
  });
  events.addEventListener('progress', (event) => {
    const view = JSON.parse(event.data);
    progress.render(view);
    $('#updated').textContent = `updated ${new Date(view.computedAt).toLocaleTimeString()}`;
  });
  events.addEventListener('trials', (event) => applyDelta(JSON.parse(event.data)));
  events.addEventListener('analysis', (event) => {
    if (JSON.parse(event.data).version > state.analysisVersion) loadAnalysis();
  });
}

async function loadTrials() {
  if (state.loading) return state.loading;
  state.loading = (async () => {
    const startedMs = performance.now();
    const table = await getJson('/api/trials');
    state.rows = new Map(table.rows.map((row) => [row.id, row]));
    state.order = table.rows.map((row) => row.id);
    state.version = table.version;
    const pending = state.pending.splice(0);
    for (const delta of pending) if (delta.from === state.version) mergeDelta(delta);
    showRows();
    recordTiming('load', performance.now() - startedMs);
  })().finally(() => (state.loading = null));
  return state.loading;
}

function applyDelta(delta) {
  if (state.loading) return void state.pending.push(delta);
  if (delta.to === state.version) return;
  if (delta.from !== state.version) return void loadTrials();
  const startedMs = performance.now();
  mergeDelta(delta);
  showRows(delta.changed);
  recordTiming('delta', performance.now() - startedMs);
}

function mergeDelta(delta) {
  for (const row of delta.changed) {
    if (!state.rows.has(row.id)) state.order.push(row.id);
    state.rows.set(row.id, row);
  }
  if (delta.removed.length > 0) {
    const removed = new Set(delta.removed);
    for (const id of removed) state.rows.delete(id);
    state.order = state.order.filter((id) => !removed.has(id));
  }
  state.version = delta.to;
}

function showRows(changed) {
  const rows = state.order.map((id) => state.rows.get(id));
  table.setRows(rows, changed);
  showCompare();
  document.body.dataset.trialsVersion = String(state.version);
}

function showCompare() {
  renderCompare($('#compare'), study, state.order.map((id) => state.rows.get(id)), state.selected);
}

async function loadAnalysis() {
  const analysis = await getJson('/api/analysis');
  if (analysis.version <= state.analysisVersion) return;
  state.analysisVersion = analysis.version;
  const parts = [['fronts', analysis.fronts], ['effects', analysis.effects]].filter(([, part]) => part);
  // A figure is redrawn only when its part was recomputed.
  const shown = parts.flatMap(([name, part]) => part.figures.map((figure) => ({ ...figure, revision: `${name}:${part.computedAt}` })));
  const notes = parts.flatMap(([, part]) => part.notes);
  const describe = ([name, part]) =>
    `${name === 'fronts' ? 'fronts' : 'effects and transfer'} of ${part.finished} finished trials at ${escapeHtml(new Date(part.computedAt).toLocaleTimeString())} (took ${formatDuration(part.durationMs)})`;
  const hypervolume = (analysis.fronts?.hypervolume ?? []).map((entry) => `${escapeHtml(entry.environment.split('|').join(' · '))}: ${entry.normalized.toFixed(3)} (front ${entry.frontSize} of ${entry.configurations})`);
  $('#analysis-meta').innerHTML = parts.map(describe).join('; ') + (hypervolume.length > 0 ? `<br>normalized hypervolume: ${hypervolume.join('; ')}` : '');
  const startedMs = performance.now();
  await figures.show({ version: analysis.version, figures: shown, notes });
  recordTiming('figures', performance.now() - startedMs);
}

function openFromHash() {
  const match = /^#trial\/(.+)$/.exec(location.hash);
  if (match) detail.open(decodeURIComponent(match[1]));
}

function setLive(name, text) {
  const element = $('#live-status');
  element.dataset.state = name;
  element.textContent = text;
}

async function getJson(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

/** How long the page spent on each kind of update (ms); read by the benchmark. */
function recordTiming(kind, ms) {
  const timings = (window.servelabDashboard ??= {});
  (timings[kind] ??= []).push(ms);
}
