import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoStudies } from '../../src/demo/demo-study.js';
import { acceptShortTrialRows } from '../../src/demo/short-trial-rows.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Notebook } from '../../src/report/notebook.js';

test('the demo studies: three models of two modalities, five knobs, three load levels; quick is smaller', () => {
  const full = demoStudies(false);
  assert.deepEqual(full.map((demo) => demo.part.model), ['mnist-cnn', 'ocr-cls', 'sentiment-cls']);
  for (const demo of full) {
    assert.deepEqual(demo.study.models, [demo.part.model]);
    assert.deepEqual(demo.study.workloads, [demo.part.workload]);
    assert.deepEqual(demo.study.space.knobs.map((knob) => knob.name).sort(), ['batching.enabled', 'cache.enabled', 'instances', 'ort.intraOpThreads', 'protocol']);
    assert.deepEqual(demo.study.load.points.map((point) => point.level), ['light', 'medium', 'high']);
    assert.equal(demo.study.sampler.kind, 'fractional-factorial');
  }
  assert.equal(new Set(full.map((demo) => demo.study.name)).size, 3, 'one study per model');
  const quick = demoStudies(true);
  assert.equal(quick.length, 2);
  assert.ok(quick[0]!.study.space.knobs.length < full[0]!.study.space.knobs.length);
  assert.ok(quick[0]!.study.load.durationMs < full[0]!.study.load.durationMs);
});

test('only trials invalid for short-trial reasons are analysed; other invalid and failed trials stay out', () => {
  const store = openSqliteStore(':memory:');
  try {
    store.openStudy({ studyId: 's', definitionHash: 'h', definition: {}, seed: 1 });
    const context = { model: 'm', workload: 'w', load: 'poisson@light' };
    const ids = ['ok', 'unstable', 'few', 'both', 'dropped', 'crash'];
    store.planTrials(ids.map((trialId, index) => ({ trialId, studyId: 's', configuration: { instances: index }, context, repetition: 0 })));
    const metrics = { p99_ms: 5 };
    for (const id of ids) store.startTrial(id);
    store.completeTrial('ok', { metrics, valid: true });
    store.completeTrial('unstable', { metrics, valid: false, verdictReasons: ['UNSTABLE: p99 of the last 3 windows varies by 30.0% (limit ±10%)'] });
    store.completeTrial('few', { metrics, valid: false, verdictReasons: ["p99 is backed by 300 requests; at least 662 are needed (MLPerf LoadGen's rule)"] });
    store.completeTrial('both', { metrics, valid: false, verdictReasons: ['UNSTABLE: a window in the last 3 completed no requests', 'p99 is backed by 12 requests; at least 662 are needed'] });
    store.completeTrial('dropped', { metrics, valid: false, verdictReasons: ['UNSTABLE: x', '40 requests were dropped at the in-flight cap: the offered load was not delivered'] });
    store.failTrial('crash', { kind: 'crash', reason: 'server exited' });
    const accepted = acceptShortTrialRows(store, ['s']);
    assert.equal(accepted.acceptedShort, 3);
    assert.equal(accepted.invalidOtherwise, 1);
    const validIds = accepted.rows.filter((row) => row.valid && row.state === 'completed').map((row) => row.trialId).sort();
    assert.deepEqual(validIds, ['both', 'few', 'ok', 'unstable']);
  } finally {
    store.close();
  }
});

test('servelab demo --quick runs the whole pipeline: study files, database, analysis, notebook and HTML', (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'servelab-demo-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const run = spawnSync(process.execPath, ['bin/servelab.js', 'demo', '--quick', '--out', directory], { encoding: 'utf8', timeout: 400_000 });
  assert.equal(run.status, 0, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  for (const file of ['study-mnist-cnn.yaml', 'study-sentiment-cls.yaml', 'study.db', 'analysis.json', 'report.ipynb', 'report.html', 'report.trials.csv']) {
    assert.ok(existsSync(join(directory, file)), `${file} written`);
  }
  assert.match(run.stdout, /notebook: .*report\.ipynb \(\d+ figures\)/);
  assert.match(run.stdout, /html: .*report\.html/);
  const notebook = JSON.parse(readFileSync(join(directory, 'report.ipynb'), 'utf8')) as Notebook;
  const text = notebook.cells.map((cell) => cell.source.join('')).join('\n');
  for (const model of ['mnist-cnn', 'sentiment-cls']) assert.ok(text.includes(`\`${model}\``), `${model} in the report`);
  assert.match(text, /## 7\. Pareto fronts/);
  assert.match(text, /cpu-time-estimate|rapl|nvidia-smi/, 'the energy meter is named');
  const analysis = JSON.parse(readFileSync(join(directory, 'analysis.json'), 'utf8')) as { environments: { model: string }[] };
  assert.deepEqual([...new Set(analysis.environments.map((environment) => environment.model))].sort(), ['mnist-cnn', 'sentiment-cls']);
});
