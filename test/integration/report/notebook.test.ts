import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECTION_IDS } from '../../../src/report/build.js';
import type { Notebook, NotebookCell } from '../../../src/report/notebook.js';
import { VEGA_LITE_MIME } from '../../../src/report/notebook.js';
import { REFERENCES } from '../../../src/report/sections/related-work.js';
import type { WrittenReport } from '../../../src/report/write.js';
import { systemFontsAvailable } from '../../../src/report/figures/raster.js';
import { nbconvertMissingReason, nbformatMissingReason, validateNotebook } from '../../support/report/python-tools.js';
import { writeSyntheticReport } from '../../support/report/synthetic-report.js';

let report: Awaited<ReturnType<typeof writeSyntheticReport>>;
let written: WrittenReport;
let notebook: Notebook;

const SECTION_TITLES = [
  'What was studied and why',
  'Environment',
  'Design space and sampling',
  'Models and workloads',
  'Load patterns and measured capacity',
  'Results per model, workload and load',
  'Pareto fronts',
  'Knob effects and interactions',
  'Transfer across models, workloads and loads',
  'Prediction accuracy against sample size',
  'Findings',
  'Threats to validity',
  'Related work',
  'How to reproduce',
];

before(async () => {
  report = await writeSyntheticReport();
  written = report.written;
  notebook = JSON.parse(readFileSync(written.notebookPath, 'utf8')) as Notebook;
});
after(() => report?.remove());

const text = (cell: NotebookCell): string => cell.source.join('');
const markdown = (): string => notebook.cells.filter((cell) => cell.cell_type === 'markdown').map(text).join('\n\n');

test('the notebook is nbformat 4.5 and every cell has a unique, valid id', () => {
  assert.equal(notebook.nbformat, 4);
  assert.equal(notebook.nbformat_minor, 5);
  const ids = notebook.cells.map((cell) => cell.id);
  assert.equal(new Set(ids).size, ids.length, 'cell ids are unique');
  for (const id of ids) assert.match(id, /^[a-zA-Z0-9_-]{1,64}$/);
  for (const cell of notebook.cells) {
    assert.ok(Array.isArray(cell.source));
    if (cell.cell_type === 'code') {
      assert.equal(cell.execution_count, null);
      assert.ok(Array.isArray(cell.outputs));
    }
  }
});

test('every section is present, numbered, in the order the issue lists them', () => {
  assert.equal(SECTION_IDS.length, SECTION_TITLES.length);
  const headings = notebook.cells.flatMap((cell) => (cell.cell_type === 'markdown' ? text(cell).split('\n').filter((line) => line.startsWith('## ')) : []));
  assert.deepEqual(headings, SECTION_TITLES.map((title, index) => `## ${index + 1}. ${title}`));
  assert.equal(written.sections, SECTION_TITLES.length);
});

test('figures are embedded as Vega-Lite v5 JSON with a picture fallback, and written as SVG with labelled axes', () => {
  const figureCells = notebook.cells.filter((cell) => (cell.metadata.tags as string[] | undefined)?.includes('servelab-figure'));
  assert.equal(figureCells.length, written.figures);
  assert.ok(written.figures >= 10, `expected a figure per analysis part, got ${written.figures}`);
  const png = systemFontsAvailable();
  for (const cell of figureCells) {
    const output = cell.outputs![0]! as { output_type: string; data: Record<string, unknown> };
    assert.equal(output.output_type, 'display_data');
    const spec = output.data[VEGA_LITE_MIME] as Record<string, unknown>;
    assert.equal(spec.$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
    assert.ok(Array.isArray((spec.data as { values?: unknown[] }).values), 'figure data is inline');
    if (png) {
      const bytes = Buffer.from(output.data['image/png'] as string, 'base64');
      assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
      assert.ok(bytes.length > 5_000, 'a drawn picture, not an empty one');
    } else {
      assert.match((output.data['image/svg+xml'] as string[]).join(''), /^<svg[^>]*class="marks"/);
    }
    const figureId = (cell.metadata.servelab as { figure: string }).figure;
    const svg = readFileSync(join(written.figuresDirectoryPath, `${figureId}.svg`), 'utf8');
    assert.match(svg, /^<svg[^>]*class="marks"/);
    assert.match(svg, /<path|<rect|<line/);
  }
  const paretoSvg = readFileSync(join(written.figuresDirectoryPath, 'pareto-p99-ms-energy-j-per-inf.svg'), 'utf8');
  for (const label of ['p99 latency (ms)', 'energy per inference (J)', 'Pareto-optimal', 'knee', 'dominated']) {
    assert.ok(paretoSvg.includes(label), `Pareto figure shows "${label}"`);
  }
  const spreadSvg = readFileSync(join(written.figuresDirectoryPath, 'spread-p99-ms.svg'), 'utf8');
  assert.ok(spreadSvg.includes('p99 latency (ms), log scale'), 'latency spanning decades is on a log axis, and says so');
  assert.ok(spreadSvg.includes('load level'), 'legend for load levels');
});

test('tooltips carry the configuration of every point', () => {
  const figures = JSON.parse(readFileSync(written.figuresJsonPath, 'utf8')) as Record<string, Record<string, unknown>>;
  const pareto = Object.entries(figures).find(([id]) => id.startsWith('pareto'))![1];
  const serialized = JSON.stringify(pareto);
  assert.match(serialized, /"field":"configuration"/);
  const values = (pareto.data as { values: { configuration: string }[] }).values;
  assert.match(values[0]!.configuration, /batching\.maxBatchSize=\d+, instances=\d+, ort\.intraOpThreads=\d+, cache\.enabled=(true|false), protocol=kserve-(http|grpc)/);
});

test('the text states the estimated energy meter, the emulated knob, and cites the related work', () => {
  const all = markdown();
  assert.match(all, /Energy in this report is estimated, not measured/);
  assert.match(all, /idleW/);
  assert.match(all, /emulated/);
  assert.match(all, /Virtual machine/);
  for (const reference of REFERENCES) assert.ok(all.includes(reference.text.slice(0, 40)), `reference ${reference.key}`);
  for (const venue of ['NSDI 2017', 'ATC 2021', 'SoCC 2021', 'ISCA 2020', 'ASE 2017', 'SEAMS 2017', 'Batching guide', 'Model Analyzer']) {
    assert.ok(all.includes(venue), `related work names ${venue}`);
  }
});

test('results tables cover every environment; findings come from the analysis', () => {
  const all = markdown();
  for (const model of ['mnist-cnn', 'ocr-cls', 'sentiment-cls']) {
    for (const load of ['poisson@light', 'poisson@medium', 'poisson@high']) assert.ok(all.includes(`\`${model}\` | \`${model === 'sentiment-cls' ? 'sentiment-sentences' : 'mnist-digits'}\` | \`${load}\``));
  }
  const analysis = JSON.parse(readFileSync(written.analysisJsonPath, 'utf8')) as { findings: { text: string }[] };
  assert.ok(analysis.findings.length > 0);
  assert.ok(all.includes(analysis.findings[0]!.text.slice(0, 30).replace(/\|/g, '\\|')), 'the first finding is in the notebook');
});

test('code cells reload the exported CSV and JSON in Python and TypeScript', () => {
  const code = notebook.cells.filter((cell) => cell.cell_type === 'code').map(text);
  const python = code.find((source) => source.includes('pd.read_csv'));
  assert.ok(python, 'a pandas cell');
  assert.ok(python!.includes('report.trials.csv') && python!.includes('report.analysis.json'));
  const typescript = code.find((source) => source.startsWith('%%writefile reload_report.ts'));
  assert.ok(typescript, 'a TypeScript cell');
  const csvHeader = readFileSync(written.trialsCsvPath, 'utf8').split('\n')[0]!;
  assert.equal(csvHeader, 'trial,repetition,state,valid,knob.batching.maxBatchSize,knob.instances,knob.ort.intraOpThreads,knob.cache.enabled,knob.protocol,ctx.model,ctx.workload,ctx.load,metric.achieved_rps,metric.cache_hit_rate,metric.cpu_util,metric.energy_j_per_inf,metric.error_rate,metric.mean_batch_size,metric.mean_ms,metric.p50_ms,metric.p50_send_lag_ms,metric.p50_server_compute_ms,metric.p50_server_queue_ms,metric.p50_server_serialize_ms,metric.p50_transport_ms,metric.p95_ms,metric.p99_ms,metric.p99_send_lag_ms,metric.p99_server_compute_ms,metric.p99_server_queue_ms,metric.p99_server_serialize_ms,metric.p99_transport_ms,metric.power_w,failure');
});

test('the TypeScript reload cell runs against the exported files', () => {
  const cell = notebook.cells.map(text).find((source) => source.startsWith('%%writefile reload_report.ts'))!;
  const script = join(report.directory, 'reload_report.ts');
  writeFileSync(script, cell.split('\n').slice(1).join('\n'));
  // The reader runs it with `npx tsx` from a clone; here tsx is loaded by URL because the report folder has no node_modules.
  const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), script], { cwd: report.directory, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /mnist-cnn median p99 over trial rows: [\d.]+ ms/);
  assert.match(run.stdout, /findings; first: /);
});

test('the notebook validates with nbformat', (t) => {
  const missing = nbformatMissingReason();
  if (missing) return t.skip(missing);
  const result = validateNotebook(written.notebookPath);
  assert.ok(result.ok, result.output);
  assert.match(result.output, /valid nbformat 4\.5/);
});

test('the Python reload cell runs with the system Python', (t) => {
  const missing = nbformatMissingReason();
  if (missing) return t.skip(missing);
  const cell = notebook.cells.map(text).find((source) => source.includes('pd.read_csv'))!;
  const run = spawnSync('/usr/bin/python3', ['-c', cell], { cwd: report.directory, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Pareto fronts, \d+ transfer pairs, \d+ findings/);
});

test('jupyter nbconvert renders the notebook to HTML without running it', (t) => {
  const missing = nbconvertMissingReason();
  if (missing) return t.skip(missing);
  const run = spawnSync('/usr/bin/jupyter-nbconvert', ['--to', 'html', '--output', 'nbconvert-render', written.notebookPath], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  const htmlPath = join(report.directory, 'nbconvert-render.html');
  assert.ok(existsSync(htmlPath));
  const html = readFileSync(htmlPath, 'utf8');
  assert.ok(html.includes('Pareto fronts'));
  // nbconvert shows the picture fallback (it has no Vega-Lite renderer offline); an inline SVG would be emptied by its HTML cleaner.
  if (systemFontsAvailable()) assert.ok((html.match(/<img src="data:image\/png;base64,/g) ?? []).length >= written.figures, 'every figure is visible as a PNG');
});

test('threats to validity count the measurements taken again after a disturbance', async () => {
  const { buildReport } = await import('../../../src/report/build.js');
  const { renderNotebook } = await import('../../../src/report/notebook.js');
  const { syntheticReportInput } = await import('../../support/report/fixtures/synthetic-input.js');
  const { exportNames } = await import('../../../src/report/write.js');
  const document = await buildReport({ ...syntheticReportInput(), remeasured: 3 }, { exports: exportNames('r.ipynb') });
  const cells = renderNotebook(document).cells.filter((cell) => cell.cell_type === 'markdown').map(text);
  const threats = cells.find((cell) => cell.includes('## 12. Threats to validity'))!;
  assert.match(threats, /3 measurements were INVALID only because the machine disturbed them \(hypervisor steal over the study's limit, late sends, latency drift\) and measured again at once/);
});

test('findings show their explanation and a decomposition figure of what they compare', () => {
  const markdown = notebook.cells.filter((cell) => cell.cell_type === 'markdown').map(text).join('\n');
  const findings = markdown.slice(markdown.indexOf('Findings'));
  assert.match(findings, /\*\*Why:\*\* in /);
  assert.ok(notebook.cells.some((cell) => /^figure-finding-\d+-decomposition$/.test(String((cell as { id?: string }).id))), 'a decomposition figure');
});

test('results show every configuration\'s latency decomposition, labelled descriptive', () => {
  const figure = notebook.cells.find((cell) => String((cell as { id?: string }).id) === 'figure-decomposition-p99_ms');
  assert.ok(figure, 'a per-configuration decomposition figure for the primary objective');
  const caption = notebook.cells.map(text).find((cell) => cell.includes("Each configuration's latency split") && cell.includes('Descriptive only'));
  assert.ok(caption, 'its caption says the figure does not test differences');
});

test('the environment section says where the server put its I/O and instance threads', () => {
  const environment = notebook.cells.map(text).find((cell) => cell.includes('## 2.'))!;
  const markdown = notebook.cells.map(text).join('\n');
  assert.ok(environment, 'an environment section');
  assert.match(markdown, /\| server threads \| trials \|/);
  assert.match(markdown, /I\/O thread on CPU 1, instance threads on CPU 0 \| 8 \|/);
});
