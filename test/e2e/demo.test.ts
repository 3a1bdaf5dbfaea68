import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoStudies } from '../../src/demo/demo-study.js';
import type { Notebook } from '../../src/report/notebook.js';
import { runServelab } from '../support/cli.js';

test('the demo studies: three models of three modalities, three knobs, two load levels, repetitions; quick is smaller', () => {
  const full = demoStudies(false);
  assert.deepEqual(full.map((demo) => demo.part.model), ['mnist-cnn', 'sentiment-cls', 'lstm-forecaster']);
  for (const demo of full) {
    assert.deepEqual(demo.study.models, [demo.part.model]);
    assert.deepEqual(demo.study.workloads, [demo.part.workload]);
    assert.deepEqual(demo.study.space.knobs.map((knob) => knob.name).sort(), ['batching.enabled', 'cache.enabled', 'protocol']);
    assert.deepEqual(demo.study.load.points.map((point) => point.level), ['light', 'medium']);
    assert.equal(demo.study.sampler.kind, 'full-factorial');
    assert.equal(demo.study.repetitions, 2, 'repetitions give every finding a noise estimate');
    assert.equal(demo.study.isolation.generatorCpus, 1, 'the generator keeps a CPU of its own');
    assert.equal(demo.study.load.minimumDuration, 'extend', 'no trial is shorter than its p99 needs');
  }
  assert.equal(new Set(full.map((demo) => demo.study.name)).size, 3, 'one study per model');
  const quick = demoStudies(true);
  assert.equal(quick.length, 2);
  assert.ok(quick[0]!.study.space.knobs.length < full[0]!.study.space.knobs.length);
  assert.ok(quick[0]!.study.load.durationMs < full[0]!.study.load.durationMs);
});

test('servelab demo --quick runs the whole pipeline: study files, database, analysis, notebook and HTML', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'servelab-demo-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const run = await runServelab(['demo', '--quick', '--out', directory], { timeoutMs: 400_000 });
  assert.equal(run.code, 0, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  for (const file of ['study-mnist-cnn.yaml', 'study-sentiment-cls.yaml', 'study.db', 'analysis.json', 'report.ipynb', 'report.html', 'report.trials.csv']) {
    assert.ok(existsSync(join(directory, file)), `${file} written`);
  }
  assert.match(run.stdout, /notebook: .*report\.ipynb \(\d+ figures\)/);
  assert.match(run.stdout, /html: .*report\.html/);
  assert.match(run.stdout, /\d+ of \d+ trials VALID by the run's own rules/);
  const notebook = JSON.parse(readFileSync(join(directory, 'report.ipynb'), 'utf8')) as Notebook;
  const text = notebook.cells.map((cell) => cell.source.join('')).join('\n');
  for (const model of ['mnist-cnn', 'sentiment-cls']) assert.ok(text.includes(`\`${model}\``), `${model} in the report`);
  assert.match(text, /## 7\. Pareto fronts/);
  assert.match(text, /cpu-time-estimate|rapl|nvidia-smi/, 'the energy meter is named');
  const analysis = JSON.parse(readFileSync(join(directory, 'analysis.json'), 'utf8')) as { environments: { model: string }[] };
  assert.deepEqual([...new Set(analysis.environments.map((environment) => environment.model))].sort(), ['mnist-cnn', 'sentiment-cls']);
});
