import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReportInput } from '../../../src/report/source.js';
import { isServelabError } from '../../../src/core/errors.js';
import { writeSyntheticDatabase } from '../../support/report/fixtures/synthetic-db.js';
import { runServelab, type CliResult } from '../../support/cli.js';

let directory: string;
let dbPath: string;

before(() => {
  directory = mkdtempSync(join(tmpdir(), 'servelab-report-cli-'));
  dbPath = join(directory, 'study.db');
  writeSyntheticDatabase(dbPath);
});
after(() => rmSync(directory, { recursive: true, force: true }));

function servelab(...args: string[]): Promise<CliResult> {
  return runServelab(args, { timeoutMs: 120_000 });
}

test('a study database becomes a report input: study file, machine, meter, capacities, cards', async () => {
  const input = await loadReportInput(dbPath);
  assert.equal(input.study.name, 'synthetic-three-models');
  assert.equal(input.study.sampler.name, 'random');
  assert.equal(input.study.repetitions, 2);
  assert.deepEqual(input.loads.map((load) => load.name), ['poisson@light', 'poisson@medium', 'poisson@high']);
  assert.equal(input.loads[2]!.fractionOfCapacity, 0.9);
  assert.equal(input.machine.energyMeter.estimated, true);
  assert.deepEqual(input.machine.energyMeter.powerModel, { idleW: 10, perCoreW: 12 });
  assert.equal(input.machine.knobNotes[0]!.emulated, true);
  assert.equal(input.capacities.length, 3);
  assert.ok(input.capacities[0]!.offeredRps!['poisson@high']! > input.capacities[0]!.offeredRps!['poisson@light']!);
  const sentiment = input.workloads.find((workload) => workload.name === 'sentiment-sentences')!;
  assert.match(sentiment.licence, /CC BY 4\.0/);
  assert.deepEqual(sentiment.models, ['sentiment-cls']);
  assert.ok(input.analysis.pareto.length === 9);
  assert.match(input.reproduce.studyYaml!, /sampler: \{ kind: random, budget: 32 \}/);
  const card = input.models.find((model) => model.name === 'mnist-cnn')!;
  assert.equal(card.modality, 'image');
  assert.ok(card.params > 100_000, 'the zoo card, with its parameter count');
});

test('servelab report writes the notebook, the HTML page and the data, and prints where they are', async () => {
  const notebook = join(directory, 'out', 'report.ipynb');
  const html = join(directory, 'out', 'report.html');
  const run = await servelab('report', dbPath, '-o', notebook, '--html', html);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /notebook: .*report\.ipynb \(14 sections, \d+ figures\)/);
  assert.match(run.stdout, /html: .*report\.html/);
  for (const file of ['report.ipynb', 'report.html', 'report.trials.csv', 'report.analysis.json', 'report.figures.json']) {
    assert.ok(existsSync(join(directory, 'out', file)), file);
  }
  const text = readFileSync(notebook, 'utf8');
  assert.match(text, /Energy in this report is estimated, not measured/);
  assert.match(text, /step search on offered Poisson rate/);
});

test('the exported CSV reads back as a report source, with the machine marked unknown', async () => {
  const input = await loadReportInput(join(directory, 'out', 'report.trials.csv'));
  assert.equal(input.rows.length, (await loadReportInput(dbPath)).rows.length);
  assert.match(input.machine.cpuModel, /unknown/);
  assert.equal(input.study.repetitions, 2);
});

test('bad sources get one clear line', async () => {
  const missing = await servelab('report', join(directory, 'nope.db'), '-o', join(directory, 'x.ipynb'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^servelab: no such file: .*nope\.db \(expected a study database or an analysis-format CSV\)\n$/);
  const badOutput = await servelab('report', dbPath, '-o', join(directory, 'x.html'));
  assert.match(badOutput.stderr, /--output must name a \.ipynb file/);
  const notDb = join(directory, 'not-a-db.db');
  writeFileSync(notDb, 'hello');
  const corrupt = await servelab('report', notDb, '-o', join(directory, 'x.ipynb'));
  assert.equal(corrupt.code, 1);
  assert.match(corrupt.stderr, /not-a-db\.db is not an SQLite database .*expected a study database/);
  assert.equal(corrupt.stderr.trim().split('\n').length, 1);
  const json = join(directory, 'analysis.json');
  writeFileSync(json, '{}');
  await assert.rejects(loadReportInput(json), (error) => isServelabError(error) && /holds no trial rows/.test(error.message));
  await assert.rejects(loadReportInput(dbPath, { analysisPath: json }), (error) => isServelabError(error) && /is not a servelab analysis/.test(error.message));
  const empty = join(directory, 'empty.db');
  const emptyStore = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('./src/store/sqlite-store.ts').then(({ openSqliteStore }) => { const s = openSqliteStore(${JSON.stringify(empty)}); s.openStudy({ studyId: 'e', definitionHash: 'h', definition: {}, seed: 1 }); s.close(); })`], { encoding: 'utf8' });
  assert.equal(emptyStore.status, 0, emptyStore.stderr);
  await assert.rejects(loadReportInput(empty), (error) => isServelabError(error) && /holds no trial rows yet: run `servelab explore` first/.test(error.message));
});

test('a study of one environment still gets every section, saying what it cannot show', async () => {
  const { writeReport } = await import('../../../src/report/write.js');
  const lines = readFileSync(join(directory, 'out', 'report.trials.csv'), 'utf8').trim().split('\n');
  const single = [lines[0]!, ...lines.filter((line) => line.includes(',mnist-cnn,mnist-digits,poisson@light,'))];
  assert.ok(single.length > 10);
  const csv = join(directory, 'single.csv');
  writeFileSync(csv, `${single.join('\n')}\n`);
  const written = await writeReport(await loadReportInput(csv), { notebookPath: join(directory, 'single', 'single.ipynb') });
  assert.equal(written.sections, 14);
  const text = readFileSync(written.notebookPath, 'utf8');
  assert.match(text, /The study has a single environment, so there is nothing to transfer between/);
  assert.match(text, /not recorded/);
});
