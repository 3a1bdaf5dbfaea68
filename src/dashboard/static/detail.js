// A trial opened from the table: verdict, knobs and context, metrics, the per-window latency and throughput
// series (drawn with Vega-Lite in the page), the server's counters, the energy reading and the applied knobs.
import { createTooltip } from './figures.js';
import { escapeHtml, formatNumber, metricHeader } from './format.js';

export function createDetail({ dialog, study }) {
  const views = [];
  let tooltip = () => undefined;
  dialog.addEventListener('close', () => {
    for (const view of views.splice(0)) view.finalize();
    if (location.hash.startsWith('#trial/')) history.replaceState(null, '', location.pathname + location.search);
  });
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog || event.target.closest('[data-action=close]')) dialog.close();
  });

  async function open(trialId) {
    for (const view of views.splice(0)) view.finalize();
    dialog.removeAttribute('data-ready');
    dialog.innerHTML = `<div class="detail"><header><h2>Trial ${escapeHtml(trialId)}</h2><button data-action="close" aria-label="close">×</button></header><p>Loading…</p></div>`;
    if (!dialog.open) dialog.showModal();
    const response = await fetch(`/api/trials/${encodeURIComponent(trialId)}`);
    const detail = await response.json();
    if (!response.ok) {
      dialog.querySelector('p').textContent = detail.error ?? `the trial could not be loaded (HTTP ${response.status})`;
      dialog.dataset.ready = 'error';
      return;
    }
    dialog.querySelector('.detail').innerHTML = render(detail, study);
    // The dialog sits above the page: its charts need a tooltip box of their own inside it.
    const box = document.createElement('div');
    box.className = 'tooltip-box';
    dialog.appendChild(box);
    tooltip = createTooltip(box);
    await drawSeries(detail);
    dialog.dataset.ready = detail.id;
  }

  async function drawSeries(detail) {
    if (detail.windows.length === 0) return;
    const values = detail.windows.map((w) => ({ ...w, second: w.startMs / 1000 }));
    const latency = values.flatMap((w) => [['p50', w.p50Ms], ['p99', w.p99Ms], ['mean', w.meanMs]].filter(([, v]) => v !== null).map(([series, ms]) => ({ second: w.second, series, ms })));
    const throughput = values.flatMap((w) => [['offered', w.offeredRps], ['achieved', w.achievedRps]].filter(([, v]) => v !== null).map(([series, rps]) => ({ second: w.second, series, rps })));
    await draw('#series-latency', chart('Latency per window', latency, 'ms', 'latency (ms)'));
    await draw('#series-throughput', chart('Throughput per window', throughput, 'rps', 'requests per second'));
  }

  async function draw(selector, vegaLiteSpec) {
    const target = dialog.querySelector(selector);
    if (!target) return;
    const view = new vega.View(vega.parse(vegaLite.compile(vegaLiteSpec).spec), { renderer: 'svg', hover: true });
    view.tooltip(tooltip);
    views.push(view);
    await view.initialize(target).runAsync();
  }

  return { open, close: () => dialog.open && dialog.close() };
}

function chart(title, values, field, axisTitle) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 360,
    height: 160,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'second', type: 'quantitative', title: 'seconds into the measured run' },
      y: { field, type: 'quantitative', title: axisTitle },
      color: { field: 'series', type: 'nominal', title: null },
      tooltip: [{ field: 'series' }, { field: 'second', title: 's' }, { field, title: axisTitle, format: '.4~g' }],
    },
  };
}

function render(detail, study) {
  const context = detail.context;
  return `
    <header><h2>Trial ${escapeHtml(detail.id)} <span class="verdict ${detail.verdict}">${detail.verdict}</span></h2><button data-action="close" aria-label="close">×</button></header>
    ${detail.reasons.length > 0 ? `<ul class="reasons">${detail.reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join('')}</ul>` : ''}
    <div class="detail-grid">
      <section><h3>Configuration and context</h3>${keyValues({ ...detail.knobs, model: context.model, workload: context.workload, load: context.load, ...(context.machine ? { machine: context.machine } : {}), repetition: detail.repetition, attempt: detail.attempt, started: detail.startedAt ?? '–', finished: detail.finishedAt ?? '–' })}</section>
      <section><h3>Metrics</h3>${metricsTable(detail.metrics, study)}</section>
    </div>
    ${detail.windows.length > 0 ? '<section><h3>Per-window series</h3><div class="series"><div id="series-latency"></div><div id="series-throughput"></div></div></section>' : '<p class="note">No per-window series: the trial has no load measurement.</p>'}
    <div class="detail-grid">
      <section><h3>Energy</h3>${detail.energy ? keyValues(detail.energy) : '<p class="note">No energy reading.</p>'}</section>
      <section><h3>Server counters (deltas over the run)</h3>${detail.serverCounters && Object.keys(detail.serverCounters).length > 0 ? keyValues(detail.serverCounters) : '<p class="note">The server reported no counters.</p>'}</section>
    </div>
    <section><h3>Applied OS knobs</h3>${osKnobs(detail.applied?.os)}</section>
    ${detail.applied ? `<details><summary>Everything applied (server configuration, protocol, rate, duration)</summary><pre>${escapeHtml(JSON.stringify(detail.applied, null, 2))}</pre></details>` : ''}
    ${detail.load ? `<details><summary>Load generator summary</summary><pre>${escapeHtml(JSON.stringify(detail.load, null, 2))}</pre></details>` : ''}`;
}

function keyValues(object) {
  const rows = Object.entries(object).map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(typeof value === 'number' ? formatNumber(value, 4) : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value))}</td></tr>`);
  return `<table class="compact kv">${rows.join('')}</table>`;
}

function metricsTable(metrics, study) {
  const rows = Object.entries(metrics).map(([name, value]) => `<tr><th>${escapeHtml(metricHeader(study, name))}</th><td class="num">${escapeHtml(formatNumber(value, 4))}</td></tr>`);
  return rows.length > 0 ? `<table class="compact kv">${rows.join('')}</table>` : '<p class="note">No metrics.</p>';
}

function osKnobs(os) {
  if (!Array.isArray(os) || os.length === 0) return '<p class="note">No OS knob was applied to this trial.</p>';
  const keys = [...new Set(os.flatMap((entry) => Object.keys(entry)))];
  const rows = os.map((entry) => `<tr>${keys.map((key) => `<td>${escapeHtml(typeof entry[key] === 'object' ? JSON.stringify(entry[key]) : String(entry[key] ?? ''))}</td>`).join('')}</tr>`);
  return `<table class="compact"><thead><tr>${keys.map((key) => `<th>${escapeHtml(key)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
