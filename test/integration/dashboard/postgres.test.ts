/**
 * The dashboard on a PostgreSQL store (a distributed study's): the API and the page follow trials completed
 * by another client, machines are shown, and the dashboard's session cannot write (an empty database stays
 * without tables). Skips where PostgreSQL 15 is not installed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startDashboard } from '../../../src/dashboard/dashboard-server.js';
import type { DashboardRow, StudyProgressView, TrialsDelta } from '../../../src/dashboard/types.js';
import { asAsyncStore, copyStudy, openResultsStore, type AsyncResultsStore } from '../../../src/store/async-store.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import type { PlannedTrial } from '../../../src/store/types.js';
import { servicesUnavailableReason, startPostgres, type RunningService } from '../../support/services.js';
import { chromiumMissingReason, openDashboard, waitForCount } from '../../support/dashboard/dashboard-browser.js';
import { connectEvents } from '../../support/dashboard/event-client.js';
import { finishSyntheticTrial, planSyntheticStudy, syntheticMeasurement } from '../../support/dashboard/synthetic-store.js';

const unavailable = servicesUnavailableReason();
let postgres: RunningService | undefined;
let directory: string;
let store: AsyncResultsStore | undefined;
let planned: PlannedTrial[] = [];

before(async () => {
  if (unavailable) return;
  directory = mkdtempSync(join(tmpdir(), 'servelab-dashboard-pg-'));
  postgres = await startPostgres();
  // Ten trials measured on two workers, the rest planned, copied into PostgreSQL as a distributed study would leave them.
  const local = openSqliteStore(join(directory, 'seed.db'));
  planned = planSyntheticStudy(local, {});
  planned.slice(0, 10).forEach((trial, index) => finishSyntheticTrial(local, trial, index));
  store = await openResultsStore(postgres.url);
  await copyStudy(asAsyncStore(local), store, 'synthetic');
  local.close();
});

after(async () => {
  await store?.close();
  await postgres?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('a PostgreSQL store: the API, the event stream and the page follow trials another client completes', { skip: unavailable }, async (t) => {
  const dashboard = await startDashboard({ location: postgres!.url, port: 0, pollIntervalMs: 200 });
  t.after(() => dashboard.close());
  assert.ok(await dashboard.state.firstSnapshot(20_000));
  assert.equal(dashboard.study.store, postgres!.url, 'no password in this URL to hide');
  const api = (path: string): string => new URL(path, dashboard.url).href;
  const table = (await (await fetch(api('/api/trials'))).json()) as { version: number; rows: DashboardRow[] };
  assert.equal(table.rows.length, planned.length);
  assert.equal(table.rows.filter((row) => row.verdict === 'valid').length, 10);

  const events = await connectEvents(api('/api/events'));
  t.after(() => events.close());
  await events.waitFor('status');
  const next = planned[10]!;
  await store!.startTrial(next.trialId);
  await events.waitFor('trials', (data) => (data as TrialsDelta).changed.some((row) => row.id === next.trialId && row.state === 'running'));
  const measurement = syntheticMeasurement(next, 1);
  await store!.completeTrial(next.trialId, { ...measurement, applied: { ...measurement.applied, worker: { host: 'worker-b', cpuModel: 'Xeon', cores: 4 } } });
  const delta = (await events.waitFor('trials', (data) => (data as TrialsDelta).changed.some((row) => row.id === next.trialId && row.state === 'completed'))) as TrialsDelta;
  assert.equal(delta.changed.find((row) => row.id === next.trialId)!.machine, 'worker-b');
  const progress = (await events.waitFor('progress', (data) => (data as StudyProgressView).completed === 11)) as StudyProgressView;
  assert.deepEqual(progress.machines.map((machine) => [machine.machine, machine.completed]), [['worker-b', 1]]);

  const detail = (await (await fetch(api(`/api/trials/${next.trialId}`))).json()) as { windows: unknown[]; context: { machine: string } };
  assert.ok(detail.windows.length > 0);
  assert.equal(detail.context.machine, 'worker-b');

  const missing = chromiumMissingReason();
  if (missing) return t.diagnostic(`browser part skipped: ${missing}`);
  const { browser, page, consoleErrors } = await openDashboard(dashboard.url);
  t.after(() => browser.close());
  await waitForCount(page, 'completed', (count) => count === 11, 30_000);
  await page.waitForSelector('figure[data-figure-id^="pareto-"][data-rendered] svg .mark-symbol', { timeout: 60_000 });
  assert.equal(await page.$$eval('#trial-table tbody tr[data-trial-id]', (rows) => rows.length) > 10, true);
  assert.match((await page.textContent('#progress'))!, /worker-b/);
  const following = planned[11]!;
  await store!.startTrial(following.trialId);
  await store!.completeTrial(following.trialId, syntheticMeasurement(following, 1));
  await waitForCount(page, 'completed', (count) => count === 12, 30_000);
  assert.deepEqual(consoleErrors, []);
});

test('the dashboard cannot write to PostgreSQL: a database without the tables is refused and stays empty', { skip: unavailable }, async () => {
  const admin = new pg.Client({ connectionString: postgres!.url });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE untouched');
    const url = postgres!.url.replace(/\/postgres$/, '/untouched');
    await assert.rejects(startDashboard({ location: url, port: 0 }), /cannot read the PostgreSQL store at .*untouched: .*relation "trials" does not exist/);
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    try {
      const tables = await check.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
      assert.deepEqual(tables.rows, [], 'no table was created');
    } finally {
      await check.end();
    }
  } finally {
    await admin.end();
  }
});
