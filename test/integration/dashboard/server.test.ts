/**
 * The dashboard's HTTP side on a real SQLite store written by another connection: the JSON API, the event
 * stream's deltas, the exports (the same bytes `servelab export` writes), read-only access, and its errors.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { bindWarning, startDashboard } from '../../../src/dashboard/dashboard-server.js';
import type { DashboardRow, StudyInfo, StudyProgressView, TrialsDelta } from '../../../src/dashboard/types.js';
import type { TrialDetail } from '../../../src/dashboard/trial-detail.js';
import { exportStudy } from '../../../src/store/export.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { runServelab, startServelab } from '../../support/cli.js';
import { freePort } from '../../support/services.js';
import { waitUntil } from '../../support/dashboard/dashboard-browser.js';
import { connectEvents } from '../../support/dashboard/event-client.js';
import { finishSyntheticTrial, planSyntheticStudy, writeSyntheticStore } from '../../support/dashboard/synthetic-store.js';

let directory: string;
before(() => {
  directory = mkdtempSync(join(tmpdir(), 'servelab-dashboard-server-'));
});
after(() => rmSync(directory, { recursive: true, force: true }));

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

test('the JSON API and the event stream follow a study that another connection writes', async (t) => {
  const path = join(directory, 'live.db');
  const store = openSqliteStore(path);
  t.after(() => store.close());
  const planned = planSyntheticStudy(store, {});
  planned.slice(0, 6).forEach((trial, index) => finishSyntheticTrial(store, trial, index));
  const dashboard = await startDashboard({ location: path, port: 0, pollIntervalMs: 100 });
  t.after(() => dashboard.close());
  assert.ok(await dashboard.state.firstSnapshot(20_000));
  const api = (path: string): string => new URL(path, dashboard.url).href;

  const study = await getJson<StudyInfo>(api('/api/study'));
  assert.equal(study.body.studyId, 'synthetic');
  assert.deepEqual(study.body.objectives.map((objective) => objective.metric), ['p99_ms', 'energy_j_per_inf']);
  assert.deepEqual(study.body.knobs, ['instances', 'batching.enabled', 'ort.intraOpThreads']);
  const table = await getJson<{ version: number; rows: DashboardRow[] }>(api('/api/trials'));
  assert.equal(table.body.rows.length, planned.length);
  assert.equal(table.body.rows.filter((row) => row.state === 'completed').length, 6);
  const progress = await getJson<StudyProgressView>(api('/api/progress'));
  assert.equal(progress.body.completed, 6);
  assert.equal(progress.body.planned, planned.length);

  const detail = await getJson<TrialDetail>(api(`/api/trials/${planned[0]!.trialId}`));
  assert.equal(detail.status, 200);
  assert.equal(detail.body.verdict, 'valid');
  assert.ok(detail.body.windows.length >= 10, 'the per-window series of a 10 s run');
  assert.ok(detail.body.windows.every((window) => window.p99Ms !== null && window.achievedRps! > 0));
  assert.equal(detail.body.energy?.meter, 'cpu-time-estimate');
  assert.equal(detail.body.applied?.os?.[0]?.knob, 'os.cpuCores');
  assert.deepEqual(detail.body.serverCounters, { ort_inference_total: 1000, http_requests_total: 1004 });

  const missing = await getJson<{ error: string }>(api('/api/trials/no-such-trial'));
  assert.equal(missing.status, 404);
  assert.match(missing.body.error, /no trial 'no-such-trial' in study synthetic/);
  const unknown = await getJson<{ error: string }>(api('/api/nothing-here'));
  assert.equal(unknown.status, 404);
  const posted = await fetch(api('/api/trials'), { method: 'POST', body: '{}' });
  assert.equal(posted.status, 405);
  assert.match(((await posted.json()) as { error: string }).error, /read-only/);
  for (const file of ['/', '/app.js', '/table.js', '/style.css', '/vendor/vega.min.js', '/vendor/vega-lite.min.js']) {
    const response = await fetch(api(file));
    assert.equal(response.status, 200, file);
    assert.ok((await response.arrayBuffer()).byteLength > 100, file);
  }

  const events = await connectEvents(api('/api/events'));
  t.after(() => events.close());
  const status = (await events.waitFor('status')) as { trialsVersion: number; analysisVersion: number };
  assert.equal(status.trialsVersion, table.body.version);
  finishSyntheticTrial(store, planned[6]!, 6);
  // The poll may see the trial running (its start and its completion are two commits) before it sees it done.
  const first = (await events.waitFor('trials', (data) => (data as TrialsDelta).changed.length > 0)) as TrialsDelta;
  assert.equal(first.from, table.body.version, 'a delta from the version the page holds');
  assert.deepEqual(first.changed.map((row) => row.id), [planned[6]!.trialId]);
  const delta = (await events.waitFor('trials', (data) => (data as TrialsDelta).changed.some((row) => row.verdict === 'valid'))) as TrialsDelta;
  assert.deepEqual(delta.changed.map((row) => row.id), [planned[6]!.trialId], 'only the changed trial is sent');
  const pushed = (await events.waitFor('progress', (data) => (data as StudyProgressView).completed === 7)) as StudyProgressView;
  assert.equal(pushed.completed, 7);
  // Both parts of the analysis follow, each announced when it is ready (the whole analysis less often).
  await events.waitFor('analysis', (data) => (data as { part: string }).part === 'fronts' && (data as { version: number }).version > status.analysisVersion);
  type Part = { finished: number; figures: { id: string }[] };
  const analysis = await waitUntil(
    async () => (await getJson<{ fronts: Part | null; effects: Part | null }>(api('/api/analysis'))).body,
    (body) => body.fronts?.finished === 7 && body.effects?.finished === 7,
    'both parts of the analysis of the new trial',
  );
  assert.ok(analysis.fronts!.figures.some((figure) => figure.id.startsWith('pareto-')));
  assert.ok(analysis.effects!.figures.some((figure) => figure.id.startsWith('main-effects-')));
});

test('exports are the files servelab export and report write, and the store is only read', async (t) => {
  const path = join(directory, 'exports.db');
  writeSyntheticStore(path, { knobs: { instances: [1, 2], 'batching.enabled': [false, true] }, failEvery: 5 });
  await exportStudy(path, { csvPath: join(directory, 'expected.csv'), summaryCsvPath: join(directory, 'expected-summary.csv') });
  const files = readdirSync(directory).filter((name) => name.startsWith('exports.db')).sort();
  const before = createHash('sha256').update(readFileSync(path)).digest('hex');
  const dashboard = await startDashboard({ location: path, port: 0, pollIntervalMs: 100 });
  try {
    await dashboard.state.firstSnapshot(20_000);
    const exported = async (name: string): Promise<Response> => fetch(new URL(`/api/export/${name}`, dashboard.url));
    const csv = await exported('trials.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-disposition')!, /filename="synthetic-trials.csv"/);
    assert.equal(await csv.text(), readFileSync(join(directory, 'expected.csv'), 'utf8'));
    assert.equal(await (await exported('configurations.csv')).text(), readFileSync(join(directory, 'expected-summary.csv'), 'utf8'));
    const json = (await (await exported('trials.json')).json()) as { format: string; rows: unknown[] };
    assert.equal(json.format, 'servelab-trials/1');
    assert.equal(json.rows.length, 8);
    const report = await exported('report.html');
    assert.equal(report.status, 200);
    assert.match(await report.text(), /<title>servelab study report: synthetic<\/title>/);
    const copy = await exported('study.db');
    assert.equal(Buffer.from(await copy.arrayBuffer()).subarray(0, 15).toString(), 'SQLite format 3');
    const unknown = await exported('everything.zip');
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: string }).error, /no export 'everything.zip'; available: trials.csv/);
  } finally {
    await dashboard.close();
  }
  assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), before, 'the store file is unchanged');
  // A reader of a WAL database keeps SQLite's shared-memory index beside it; the write-ahead log stays empty.
  const wal = join(directory, 'exports.db-wal');
  if (existsSync(wal)) assert.equal(statSync(wal).size, 0, 'nothing was written to the write-ahead log');
  assert.deepEqual(readdirSync(directory).filter((name) => name.startsWith('exports.db') && !/-(wal|shm)$/.test(name)).sort(), files);
});

test('a report of a study without a valid trial yet is refused with the reason (409)', async (t) => {
  const path = join(directory, 'early.db');
  writeSyntheticStore(path, { trials: 0 });
  const dashboard = await startDashboard({ location: path, port: 0, pollIntervalMs: 100 });
  t.after(() => dashboard.close());
  const response = await fetch(new URL('/api/export/report.html', dashboard.url));
  assert.equal(response.status, 409);
  assert.match(((await response.json()) as { error: string }).error, /no completed, valid trial to report on/);
});

test('errors name the problem: a missing store, several studies without --study, an unknown study, a busy port', async (t) => {
  await assert.rejects(startDashboard({ location: join(directory, 'nope.db'), port: 0 }), /no study database at .*nope\.db; expected an SQLite file written by 'servelab explore' or a postgres:\/\/ URL/);
  const path = join(directory, 'two.db');
  const store = openSqliteStore(path);
  planSyntheticStudy(store, { studyId: 'first' });
  planSyntheticStudy(store, { studyId: 'second' });
  store.close();
  await assert.rejects(startDashboard({ location: path, port: 0 }), /several studies \(first, second\); choose one with --study NAME/);
  await assert.rejects(startDashboard({ location: path, port: 0, studyId: 'third' }), /no study 'third' in this store; it holds: first, second/);
  const dashboard = await startDashboard({ location: path, port: 0, studyId: 'second' });
  t.after(() => dashboard.close());
  assert.equal(dashboard.study.studyId, 'second');
  const port = Number(new URL(dashboard.url).port);
  await assert.rejects(startDashboard({ location: path, port, studyId: 'first' }), new RegExp(`port ${port} on 127.0.0.1 is already in use; choose another with --port`));
});

test('loopback addresses bind quietly; any other address is warned about', () => {
  for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) assert.equal(bindWarning(host), undefined, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.5']) assert.match(bindWarning(host)!, /no authentication/, host);
});

test('the CLI serves the dashboard, warns about a non-loopback address, and stops on SIGINT', async (t) => {
  const path = join(directory, 'cli.db');
  writeSyntheticStore(path, { knobs: { instances: [1] }, trials: 1 });
  const port = await freePort();
  const cli = startServelab(['dashboard', path, '--host', '0.0.0.0', '--port', String(port)]);
  t.after(() => cli.stop());
  await cli.waitForLine(/http:\/\//, { timeoutMs: 60_000 }).catch(() => undefined); // the assertions below say what was printed instead
  const { stdout, stderr } = cli.output();
  assert.match(stdout, new RegExp(`dashboard of study synthetic \\(.*cli\\.db\\): http://0\\.0\\.0\\.0:${port}/`), stderr);
  assert.match(stderr, /warning: the dashboard listens on 0\.0\.0\.0: anyone who can reach this address can read the study; it has no authentication/);
  const study = (await (await fetch(`http://127.0.0.1:${port}/api/study`)).json()) as StudyInfo;
  assert.equal(study.studyId, 'synthetic');
  cli.child.kill('SIGINT');
  assert.equal((await cli.exited).code, 0);

  const bad = await runServelab(['dashboard', path, '--port', '70000']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--port: expected an integer from 0 to 65535, got '70000'/);
});
