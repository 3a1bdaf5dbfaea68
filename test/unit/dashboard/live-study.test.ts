/**
 * The live view behind the page: incremental reads of a real SQLite store (only changed rows and the
 * intervals of their groups), the refresh policy on virtual time, store errors, the hypervolume trace and the
 * live figures built by the report's own spec builders.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { VirtualClock } from '../../../src/core/clock.js';
import { analysisRow } from '../../../src/dashboard/dashboard-rows.js';
import { hypervolumeTrace, MAX_TRACE_POINTS } from '../../../src/dashboard/hypervolume-trace.js';
import { liveAnalysisPart } from '../../../src/dashboard/live-analysis.js';
import { LiveStudy } from '../../../src/dashboard/live-study.js';
import { LiveTable } from '../../../src/dashboard/live-table.js';
import { EFFECTS_POLICY, FRONTS_POLICY, nextRunAtMs } from '../../../src/dashboard/refresh-policy.js';
import type { FromSnapshotWorker } from '../../../src/dashboard/snapshot-messages.js';
import { openSqliteReader } from '../../../src/dashboard/sqlite-reader.js';
import type { StoreReader } from '../../../src/dashboard/store-reader.js';
import { studyInfo } from '../../../src/dashboard/study-info.js';
import type { DashboardRow } from '../../../src/dashboard/types.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import type { PlannedTrial, ResultsStore } from '../../../src/store/types.js';
import { finishSyntheticTrial, planSyntheticStudy } from '../../support/dashboard/synthetic-store.js';

let directory: string;
before(() => {
  directory = mkdtempSync(join(tmpdir(), 'servelab-dashboard-live-'));
});
after(() => rmSync(directory, { recursive: true, force: true }));

/** A store being written (as explore would) and the dashboard's read-only reader of it. */
function studyUnderWay(name: string, options: { repetitions?: number; allKnobs?: boolean } = {}): { store: ResultsStore; planned: PlannedTrial[]; reader: StoreReader; finish: (count: number) => void } {
  const path = join(directory, `${name}.db`);
  const store = openSqliteStore(path);
  const knobs = options.allKnobs ? {} : { knobs: { instances: [1, 2], 'batching.enabled': [false, true] } };
  const planned = planSyntheticStudy(store, { ...knobs, repetitions: options.repetitions ?? 1 });
  let next = 0;
  const finish = (count: number): void => {
    for (const end = next + count; next < end; next++) finishSyntheticTrial(store, planned[next]!, next);
  };
  return { store, planned, reader: openSqliteReader(path), finish };
}

test('the live table reads only what changed, and a repetition updates its siblings\' interval', async (t) => {
  const { store, planned, reader, finish } = studyUnderWay('table', { repetitions: 2 });
  t.after(async () => {
    store.close();
    await reader.close();
  });
  const table = new LiveTable();
  const first = (await table.refresh(reader, 'synthetic'))!.delta;
  assert.deepEqual([first.from, first.to, first.changed.length, first.removed.length], [0, 1, planned.length, 0]);
  assert.ok(first.changed.every((row) => row.verdict === 'planned'));
  assert.equal(await table.refresh(reader, 'synthetic'), undefined, 'nothing changed, nothing to send');

  finish(1);
  const second = (await table.refresh(reader, 'synthetic'))!.delta;
  assert.deepEqual([second.from, second.to], [1, 2]);
  assert.deepEqual(second.changed.map((row) => row.id), [planned[0]!.trialId]);
  const measured = second.changed[0]!;
  assert.equal(measured.verdict, 'valid');
  assert.ok(measured.metrics.p99_ms! > 0);
  assert.deepEqual({ ...measured.summary!.p99_ms!, mean: 0 }, { mean: 0, n: 1, low: null, high: null }, 'one repetition: no interval');

  // The second repetition of the same configuration and context is 8 trials later in plan order.
  const sibling = planned.findIndex((trial, index) => index > 0 && trial.repetition === 1 && JSON.stringify(trial.configuration) === JSON.stringify(planned[0]!.configuration) && trial.context.load === planned[0]!.context.load);
  finish(sibling);
  const third = (await table.refresh(reader, 'synthetic'))!.delta;
  const ids = third.changed.map((row) => row.id);
  assert.ok(ids.includes(planned[0]!.trialId), 'the first repetition changed: its group has an interval now');
  assert.ok(ids.includes(planned[sibling]!.trialId));
  const updated = third.changed.find((row) => row.id === planned[0]!.trialId)!;
  assert.equal(updated.summary!.p99_ms!.n, 2);
  assert.ok(updated.summary!.p99_ms!.low! <= updated.summary!.p99_ms!.mean && updated.summary!.p99_ms!.mean <= updated.summary!.p99_ms!.high!);
  const full = JSON.parse(table.fullJson()) as { version: number; rows: DashboardRow[] };
  assert.equal(full.version, 3);
  assert.deepEqual(full.rows.map((row) => row.id), planned.map((trial) => trial.trialId), 'the whole table in plan order');
});

test('the table worker posts changes at the next poll; the fronts worker recomputes no more often than its policy (virtual time)', async (t) => {
  const { store, reader, finish } = studyUnderWay('policy');
  t.after(async () => {
    store.close();
    await reader.close();
  });
  finish(4);
  const clock = new VirtualClock();
  const info = studyInfo((await reader.studies())[0]!, 'test');
  const common = { reader, studyId: 'synthetic', seed: 1, info, clock, pollIntervalMs: 100, wallNowMs: () => Date.parse('2026-11-01T00:00:00Z') };
  const tablePosts: FromSnapshotWorker[] = [];
  const frontsPosts: FromSnapshotWorker[] = [];
  const table = new LiveStudy({ ...common, role: 'table', post: (message) => tablePosts.push(message) });
  const fronts = new LiveStudy({ ...common, role: 'fronts', post: (message) => frontsPosts.push(message) });
  const step = async (): Promise<void> => {
    await table.step();
    await fronts.step();
  };
  await step();
  assert.deepEqual(tablePosts.map((message) => message.type), ['trials']);
  assert.deepEqual(frontsPosts.map((message) => message.type), ['analysis'], 'the first analysis at once');
  const trials = tablePosts[0] as Extract<FromSnapshotWorker, { type: 'trials' }>;
  assert.deepEqual([trials.from, trials.to, trials.changedIds.length, trials.order?.length], [0, 1, 8, 8], 'every row, with the plan order');
  assert.equal((JSON.parse(trials.changedJson[0]!) as DashboardRow).id, trials.changedIds[0]);
  assert.equal((JSON.parse(trials.progressJson) as { completed: number }).completed, 4);

  await step();
  assert.equal(tablePosts.length + frontsPosts.length, 2, 'no change in the store: nothing posted');

  finish(1);
  await clock.advanceMs(100);
  await step();
  assert.equal(tablePosts.length, 2, 'the change is sent at the next poll');
  const changed = tablePosts[1] as Extract<FromSnapshotWorker, { type: 'trials' }>;
  assert.deepEqual([changed.from, changed.to, changed.changedIds.length, changed.order], [1, 2, 1, null], 'one row; the order is unchanged');
  assert.equal(frontsPosts.length, 1, 'the fronts wait for their policy');

  // The analysis took no virtual time, so the policy's minimum interval holds it back until then.
  await clock.advanceMs(FRONTS_POLICY.minIntervalMs - 200);
  await step();
  assert.equal(frontsPosts.length, 1);
  await clock.advanceMs(100);
  await step();
  assert.equal(frontsPosts.length, 2);
  const analysis = frontsPosts[1] as Extract<FromSnapshotWorker, { type: 'analysis' }>;
  assert.equal(analysis.part, 'fronts');
  const part = JSON.parse(analysis.json) as { finished: number; trials: number; figures: { id: string }[] };
  assert.deepEqual([part.finished, part.trials], [5, 8]);
  assert.deepEqual(part.figures.map((figure) => figure.id), ['pareto-p99-ms-energy-j-per-inf', 'hypervolume-convergence']);
  assert.ok(frontsPosts.every((message) => message.type === 'analysis') && tablePosts.every((message) => message.type === 'trials'), 'each worker sends only its own');
});

test('an unreadable store is reported and retried after a back-off, then reported readable again', async () => {
  const clock = new VirtualClock();
  const posted: FromSnapshotWorker[] = [];
  let failing = true;
  let calls = 0;
  const reader = {
    changeToken: async () => {
      calls += 1;
      if (failing) throw new Error('connection refused');
      return 'same';
    },
    stamps: async () => [],
    lightTrials: async () => [],
    environments: async () => [],
    studies: async () => [],
  } as unknown as StoreReader;
  const info = { studyId: 's', store: 'x', objectives: [], knobs: [], models: [], workloads: [], loads: [], metrics: {} };
  const live = new LiveStudy({ role: 'table', reader, studyId: 's', seed: 1, info, clock, pollIntervalMs: 100, post: (message) => posted.push(message) });
  await live.step();
  assert.deepEqual(posted, [{ type: 'store-error', message: 'connection refused' }]);
  await clock.advanceMs(400);
  await live.step();
  assert.equal(calls, 1, 'not retried before the back-off of five polls');
  failing = false;
  await clock.advanceMs(100);
  await live.step();
  assert.equal(calls, 2);
  assert.deepEqual(posted.slice(1).filter((message) => message.type === 'store-error'), [{ type: 'store-error', message: null }]);
});

test('the refresh policy bounds the CPU share: fronts taking 1 s redraw every 5 s, a 4 s analysis every 40 s', () => {
  assert.equal(nextRunAtMs(10_000, 1_000, FRONTS_POLICY), 15_000);
  assert.equal(nextRunAtMs(10_000, 100, FRONTS_POLICY), 12_000);
  assert.equal(nextRunAtMs(10_000, 4_000, EFFECTS_POLICY), 50_000);
  assert.equal(nextRunAtMs(10_000, 100, EFFECTS_POLICY), 15_000);
  assert.equal(nextRunAtMs(0, 0, { maxCpuShare: 0.5, minIntervalMs: 0 }), 0);
});

test('the effects worker sends only its figures: the table, progress and store errors come from the table worker', async (t) => {
  const { store, reader, finish } = studyUnderWay('effects-part', { allKnobs: true });
  t.after(async () => {
    store.close();
    await reader.close();
  });
  finish(24);
  const posted: FromSnapshotWorker[] = [];
  const info = studyInfo((await reader.studies())[0]!, 'test');
  const live = new LiveStudy({ role: 'effects', reader, studyId: 'synthetic', seed: 1, info, clock: new VirtualClock(), pollIntervalMs: 100, post: (message) => posted.push(message) });
  await live.step();
  assert.deepEqual(posted.map((message) => message.type), ['analysis']);
  const analysis = posted[0] as Extract<FromSnapshotWorker, { type: 'analysis' }>;
  assert.equal(analysis.part, 'effects');
  const ids = (JSON.parse(analysis.json) as { figures: { id: string }[] }).figures.map((figure) => figure.id);
  assert.deepEqual(ids, ['main-effects-p99-ms', 'main-effects-energy-j-per-inf', 'transfer-spearman-p99-ms']);
});

test('live figures come from the report\'s spec builders; the hypervolume trace ends at the analysis\' value', async (t) => {
  // Twelve configurations in two environments: enough for the transfer between them.
  const { store, planned, reader, finish } = studyUnderWay('figures', { allKnobs: true });
  t.after(async () => {
    store.close();
    await reader.close();
  });
  const info = studyInfo((await reader.studies())[0]!, 'test');
  const table = new LiveTable();
  await table.refresh(reader, 'synthetic');
  const empty = liveAnalysisPart('fronts', table.rows(), info, 1);
  assert.deepEqual(empty.figures, []);
  assert.match(empty.notes[0]!, /No completed, valid trial yet/);
  assert.deepEqual(liveAnalysisPart('effects', table.rows(), info, 1).notes, [], 'the fronts part says it once');

  finish(planned.length);
  await table.refresh(reader, 'synthetic');
  const rows = table.rows();
  const fronts = liveAnalysisPart('fronts', rows, info, 1);
  const effects = liveAnalysisPart('effects', rows, info, 1);
  assert.deepEqual(fronts.figures.map((figure) => figure.id), ['pareto-p99-ms-energy-j-per-inf', 'hypervolume-convergence']);
  assert.deepEqual(effects.figures.map((figure) => figure.id), ['main-effects-p99-ms', 'main-effects-energy-j-per-inf', 'transfer-spearman-p99-ms']);
  for (const figure of [...fronts.figures, ...effects.figures]) {
    const spec = figure.vegaSpec as { $schema: string; marks: unknown[] };
    assert.match(spec.$schema, /schema\/vega\/v\d/, 'compiled to Vega');
    assert.ok(spec.marks.length > 0);
  }

  const analysis = analyzeTrials(rows.map(analysisRow), { objectives: info.objectives, seed: 1, skipPrediction: true });
  const trace = hypervolumeTrace(rows, info.objectives, analysis.pareto);
  for (const result of analysis.pareto) {
    const line = trace.filter((point) => point.environment === result.environment);
    assert.ok(line.length > 0 && line.length <= MAX_TRACE_POINTS);
    assert.ok(line.every((point) => point.normalizedHypervolume >= 0 && point.normalizedHypervolume <= 1));
    assert.ok(Math.abs(line.at(-1)!.normalizedHypervolume - result.normalizedHypervolume) < 1e-9, `${result.environment}: ends at the analysis' hypervolume`);
    assert.deepEqual(line.map((point) => point.trials), [...line.map((point) => point.trials)].sort((a, b) => a - b));
  }
  // The fronts part computes the analysis' own fronts: the same hypervolume, environment by environment.
  assert.deepEqual(
    fronts.hypervolume.map((entry) => [entry.environment, entry.normalized]).sort(),
    analysis.pareto.map((result) => [result.environment, result.normalizedHypervolume]).sort(),
  );
});
