import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseTrialCsv } from '../../../src/analysis/source/csv-rows.js';
import { readStudyRows } from '../../../src/store/async-store.js';
import { exportStudy, trialTable, toCsv } from '../../../src/store/export.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import type { PlannedTrial } from '../../../src/store/types.js';

function tempDb(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'study.db');
}

const STUDY = { studyId: 'demo', definitionHash: 'h1', definition: { name: 'demo', knobs: { instances: [1, 2] } }, seed: 7, expectedTrials: 4 };

function planned(instances: number, load: string, repetition = 0): PlannedTrial {
  return {
    trialId: `t-${instances}-${load}-${repetition}`,
    studyId: 'demo',
    configuration: { 'os.cpuCores': 1, instances, 'cache.enabled': instances > 1 },
    context: { model: 'mnist-cnn', workload: 'mnist-digits', load },
    repetition,
  };
}

test('trials round-trip with their states, metrics, failures and energy labels', async (t) => {
  const path = tempDb(t);
  const store = openSqliteStore(path);
  store.openStudy(STUDY);
  store.planTrials([planned(1, 'poisson@light'), planned(1, 'poisson@high'), planned(2, 'poisson@light'), planned(2, 'poisson@high')]);
  store.planTrials([planned(1, 'poisson@light')]); // planning again changes nothing
  assert.equal(store.startTrial('t-1-poisson@light-0'), 1);
  const energy = { meter: 'cpu-time-estimate', source: 'estimate' as const, scope: 'server process', energyJ: 12 };
  assert.equal(store.completeTrial('t-1-poisson@light-0', { metrics: { p99_ms: 4.5, energy_j_per_inf: 0.02 }, valid: true, energy, client: { requests: 10 } }), true);
  // A second completion of the same trial (e.g. a replayed write) is ignored: no duplicate, first result kept.
  assert.equal(store.completeTrial('t-1-poisson@light-0', { metrics: { p99_ms: 99 }, valid: true }), false);
  assert.equal(store.startTrial('t-2-poisson@high-0'), 1);
  assert.equal(store.startTrial('t-2-poisson@high-0'), 2); // re-run after an interruption
  assert.equal(store.failTrial('t-2-poisson@high-0', { kind: 'out-of-memory', reason: 'killed by the OOM killer under os.memoryLimitMb=64' }), true);
  assert.throws(() => store.startTrial('t-1-poisson@light-0'), /already completed/);
  store.startTrial('t-1-poisson@high-0');
  store.completeTrial('t-1-poisson@high-0', { metrics: { p99_ms: 9, energy_j_per_inf: 0.01 }, valid: false, verdictReasons: [{ code: 'unstable', message: 'UNSTABLE: achieved 80% of the offered rate' }] });

  const stored = store.trial('t-1-poisson@light-0')!;
  assert.equal(stored.state, 'completed');
  assert.equal(stored.attempt, 1);
  assert.deepEqual(stored.row.metrics, { p99_ms: 4.5, energy_j_per_inf: 0.02 });
  assert.deepEqual(stored.measurement?.energy, energy);
  assert.deepEqual(stored.row.configuration, { 'cache.enabled': false, instances: 1, 'os.cpuCores': 1 });
  const failed = store.trial('t-2-poisson@high-0')!;
  assert.equal(failed.attempt, 2);
  assert.deepEqual(failed.row.failure, { kind: 'out-of-memory', reason: 'killed by the OOM killer under os.memoryLimitMb=64' });
  assert.equal(store.trial('t-1-poisson@high-0')!.row.valid, false);
  assert.deepEqual(store.progress('demo'), { studyId: 'demo', planned: 4, completed: 2, failed: 1, running: 0, remaining: 1, configurations: 2 });
  store.close();

  const rows = await readStudyRows(path);
  assert.deepEqual(rows.map((row) => [row.trialId, row.state]), [
    ['t-1-poisson@light-0', 'completed'],
    ['t-1-poisson@high-0', 'completed'],
    ['t-2-poisson@light-0', 'planned'],
    ['t-2-poisson@high-0', 'failed'],
  ]);
});

test('a changed study definition under the same name is refused; the same one resumes', (t) => {
  const store = openSqliteStore(tempDb(t));
  t.after(() => store.close());
  store.openStudy(STUDY);
  assert.equal(store.openStudy(STUDY).seed, 7);
  assert.throws(() => store.openStudy({ ...STUDY, definitionHash: 'h2' }), /already holds study 'demo' with a different definition/);
});

test('the CSV export is in the analysis format and reads back through the analysis reader', async (t) => {
  const path = tempDb(t);
  const store = openSqliteStore(path);
  store.openStudy(STUDY);
  store.planTrials([planned(1, 'poisson@light', 0), planned(1, 'poisson@light', 1), planned(2, 'poisson@light', 0)]);
  for (const [id, p99] of [['t-1-poisson@light-0', 5], ['t-1-poisson@light-1', 5.5]] as const) {
    store.startTrial(id);
    store.completeTrial(id, { metrics: { energy_j_per_inf: 0.03, p99_ms: p99, achieved_rps: 50 }, valid: true, energy: { meter: 'cpu-time-estimate', source: 'estimate' } });
  }
  store.startTrial('t-2-poisson@light-0');
  store.failTrial('t-2-poisson@light-0', { kind: 'crash', reason: 'server exited with code 1: "bad, model"' });
  store.recordEnvironment('demo', { cpuModel: 'Xeon', cores: 2, memoryMb: 4096, os: 'Linux', nodeVersion: 'v20', ortVersion: '1.30.0', meter: 'cpu-time-estimate', details: { powerModel: { idleW: 10, perCoreW: 12 } } });
  store.saveCapacity('demo', { model: 'mnist-cnn', workload: 'mnist-digits', capacityRps: 420, method: 'step search' });
  store.close();

  const csvPath = join(path, '..', 'out.csv');
  const jsonPath = join(path, '..', 'out.json');
  assert.deepEqual(await exportStudy(path, { csvPath, jsonPath }), { study: 'demo', rows: 3 });
  const csv = readFileSync(csvPath, 'utf8');
  assert.equal(
    csv.split('\n')[0],
    'trial,repetition,state,valid,failure,knob.cache.enabled,knob.instances,knob.os.cpuCores,ctx.model,ctx.workload,ctx.load,metric.p99_ms,metric.achieved_rps,metric.energy_j_per_inf',
  );
  const back = parseTrialCsv(csv, 'out.csv');
  assert.equal(back.length, 3);
  assert.deepEqual(back[1]!.configuration, { 'cache.enabled': false, instances: 1, 'os.cpuCores': 1 });
  assert.deepEqual(back[1]!.metrics, { p99_ms: 5.5, achieved_rps: 50, energy_j_per_inf: 0.03 });
  assert.equal(back[1]!.repetition, 1);
  assert.equal(back[2]!.state, 'failed');
  assert.match(back[2]!.failure!.reason, /crash: server exited with code 1: "bad, model"/);

  const document = JSON.parse(readFileSync(jsonPath, 'utf8'));
  assert.equal(document.format, 'servelab-trials/1');
  assert.equal(document.rows[0]['energy.meter'], 'cpu-time-estimate');
  assert.equal(document.rows[0]['energy.source'], 'estimate');
  assert.equal(document.rows[0]['metric.p99_ms'], 5);
  assert.equal(document.environment[0].meter, 'cpu-time-estimate');
  assert.equal(document.capacities[0].capacityRps, 420);
});

test('export and status-type reads refuse a missing database and ambiguous studies', async (t) => {
  const path = tempDb(t);
  await assert.rejects(readStudyRows(path), /no study database at .*study.db/);
  const store = openSqliteStore(path);
  store.openStudy(STUDY);
  store.openStudy({ ...STUDY, studyId: 'other' });
  store.close();
  await assert.rejects(exportStudy(path, { csvPath: join(path, '..', 'x.csv') }), /several studies \(demo, other\); choose one with --study NAME/);
  await assert.rejects(exportStudy(path, {}), /give --csv FILE, --summary-csv FILE, --json FILE and\/or --sqlite FILE/);
  assert.equal(toCsv(trialTable([])), 'trial,repetition,state,valid,failure,ctx.model,ctx.workload,ctx.load\n');
});
