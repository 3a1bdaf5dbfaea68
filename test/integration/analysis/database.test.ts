import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { readCsvTrialRows } from '../../../src/analysis/source/csv-rows.js';
import { readStudyRows } from '../../../src/store/async-store.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { runServelab } from '../../support/cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(new URL('../../support/analysis/fixtures/small-study.csv', import.meta.url));

test('a study stored in a SQLite results database analyses exactly like its CSV export', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-analysis-db-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'study.db');
  const csvRows = readCsvTrialRows(fixture);
  const store = openSqliteStore(dbPath);
  try {
    store.openStudy({ studyId: 'small', definitionHash: 'h', definition: {}, seed: 1 });
    const trialId = (index: number): string => `small-${index}`;
    store.planTrials(csvRows.map((row, index) => ({ trialId: trialId(index), studyId: 'small', configuration: row.configuration, context: row.context, repetition: row.repetition })));
    csvRows.forEach((row, index) => {
      store.startTrial(trialId(index));
      if (row.state === 'failed') store.failTrial(trialId(index), { kind: 'crash', reason: row.failure?.reason ?? 'failed' });
      else store.completeTrial(trialId(index), { metrics: row.metrics, valid: row.valid });
    });
  } finally {
    store.close();
  }
  const fromDb = analyzeTrials(await readStudyRows(dbPath), { skipPrediction: true });
  const fromCsv = analyzeTrials(csvRows, { skipPrediction: true });
  assert.deepEqual(fromDb.excluded, fromCsv.excluded);
  assert.deepEqual(fromDb.pareto.map((p) => [p.environment, p.hypervolume, p.front.map((m) => m.configKey)]), fromCsv.pareto.map((p) => [p.environment, p.hypervolume, p.front.map((m) => m.configKey)]));
  assert.deepEqual(fromDb.effects, fromCsv.effects);
  assert.deepEqual(fromDb.findings.map((f) => f.text), fromCsv.findings.map((f) => f.text));

  const run = await runServelab(['analyze', dbPath, '--no-prediction'], { cwd: root });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Analysed 94 of 96 rows: 48 configuration measurements in 4 environment\(s\)\./);
});
