/**
 * The measurement's JSON columns are read back once, typed, at the store's boundary: unknown fields kept, missing
 * or mistyped ones left out, verdict reasons stored as prose (before reasons had codes) read as 'unclassified'; a
 * database written that way still opens for the store, its rows and the dashboard.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dashboardRow } from '../../../src/dashboard/dashboard-rows.js';
import { openSqliteReader } from '../../../src/dashboard/sqlite-reader.js';
import { studyProgress } from '../../../src/dashboard/study-progress.js';
import {
  parseAppliedJson,
  parseClientJson,
  parseEnergyJson,
  parseEnvironmentDetails,
  parseServerJson,
  parseVerdictJson,
  storedVerdictReason,
} from '../../../src/store/measurement-json.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';

test('a stored reason: typed as written, prose or an unknown code as unclassified, anything else dropped', () => {
  assert.deepEqual(storedVerdictReason({ code: 'dropped', message: '3 requests were dropped' }), { code: 'dropped', message: '3 requests were dropped' });
  assert.deepEqual(storedVerdictReason('UNSTABLE: drift'), { code: 'unclassified', message: 'UNSTABLE: drift' });
  assert.deepEqual(storedVerdictReason({ code: 'a-later-code', message: 'from a newer version' }), { code: 'unclassified', message: 'from a newer version' });
  assert.equal(storedVerdictReason({ code: 'dropped' }), undefined);
  assert.equal(storedVerdictReason(42), undefined);
  assert.equal(storedVerdictReason(null), undefined);
});

test('the verdict column in both formats; none gives undefined', () => {
  assert.deepEqual(parseVerdictJson('{"valid":false,"reasons":["UNSTABLE: drift",{"code":"error-rate","message":"error rate 5.00% exceeds 1.00%"},7]}'), {
    valid: false,
    reasons: [
      { code: 'unclassified', message: 'UNSTABLE: drift' },
      { code: 'error-rate', message: 'error rate 5.00% exceeds 1.00%' },
    ],
  });
  assert.deepEqual(parseVerdictJson('{"valid":true}'), { valid: true, reasons: [] });
  assert.deepEqual(parseVerdictJson('{"reasons":"not a list"}'), { valid: false, reasons: [] });
  assert.equal(parseVerdictJson(null), undefined);
});

test('the load summary keeps unknown fields, leaves out mistyped ones and reads prose reasons as unclassified', () => {
  const client = parseClientJson(
    JSON.stringify({ achievedRps: 99.5, requests: 'many', futureField: { x: 1 }, windows: [{ startMs: 0, endMs: 1000, p99Ms: null, extra: true }], stability: { state: 'unstable', reason: 'drift' }, reasons: ['UNSTABLE: drift'] }),
  )!;
  assert.equal(client.achievedRps, 99.5);
  assert.equal(client.requests, undefined, 'a mistyped field is left out');
  assert.deepEqual((client as Record<string, unknown>).futureField, { x: 1 }, 'an unknown field is kept');
  assert.deepEqual(client.windows, [{ startMs: 0, endMs: 1000, p99Ms: null, extra: true }]);
  assert.deepEqual(client.stability, { state: 'unstable', reason: 'drift' });
  assert.deepEqual(client.reasons, [{ code: 'unclassified', message: 'UNSTABLE: drift' }]);
  assert.equal(parseClientJson('"not an object"'), undefined);
  assert.equal(parseClientJson(null), undefined);
});

test('energy, server counters, applied knobs and the worker, typed; fields of older rows may be missing', () => {
  assert.deepEqual(parseEnergyJson('{"meter":"rapl","source":"measurement","energyJ":12.5,"scope":"package"}'), { meter: 'rapl', source: 'measurement', energyJ: 12.5, scope: 'package' });
  assert.deepEqual(parseEnergyJson('{"meter":"rapl","source":"a guess"}'), { meter: 'rapl', source: undefined }, 'an unknown source is not passed off as either');
  assert.deepEqual(parseServerJson('{"requests_total":40,"label":"x"}'), { requests_total: 40 });
  const applied = parseAppliedJson(
    JSON.stringify({ configuration: { instances: 2 }, os: [{ knob: 'os.cpuCores', requested: 1, applied: 'cpus 0', method: 'taskset' }], server: { models: [] }, worker: { host: 'w1', cores: 4 } }),
  )!;
  assert.deepEqual(applied.configuration, { instances: 2 });
  assert.equal(applied.os?.[0]?.method, 'taskset');
  assert.deepEqual(applied.server, { models: [] }, 'the server configuration is kept as written');
  assert.deepEqual(applied.worker, { host: 'w1', cores: 4 });
  assert.equal(parseAppliedJson('{"worker":{"cores":4}}')!.worker, undefined, 'a worker without its host is left out');
  assert.deepEqual(parseAppliedJson('{"coServed":"pair","coServedModels":["a","b"]}'), { coServed: 'pair', coServedModels: ['a', 'b'] });
  assert.deepEqual(parseEnvironmentDetails('{"worker":{"host":"w2"},"governor":"performance"}'), { worker: { host: 'w2' }, governor: 'performance' });
  assert.deepEqual(parseEnvironmentDetails('[1]'), {});
});

test('a database whose rows were written before the typed fields opens: store, trial rows and dashboard read them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-old-rows-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'old.db');
  const store = openSqliteStore(path);
  store.openStudy({ studyId: 's', definitionHash: 'h', definition: {}, seed: 1 });
  store.planTrials([{ trialId: 'old', studyId: 's', configuration: { instances: 1 }, context: { model: 'm', workload: 'w', load: 'light' }, repetition: 0 }]);
  store.startTrial('old');
  store.completeTrial('old', { metrics: { p99_ms: 4 }, valid: false, verdictReasons: [{ code: 'unstable', message: 'UNSTABLE: drift' }] });
  store.close();
  // What an earlier version wrote: reasons as prose, the worker with the knobs, an energy reading without its scope.
  const raw = new Database(path);
  raw
    .prepare(`UPDATE measurements SET verdict_json = ?, client_json = ?, energy_json = ?, applied_json = ? WHERE trial_id = 'old'`)
    .run(
      '{"valid":false,"reasons":["UNSTABLE: p99 latency drifts +40%","self-check: the generator used 95% of a core"]}',
      '{"achievedRps":50,"reasons":["UNSTABLE: p99 latency drifts +40%"],"sent":10}',
      '{"meter":"cpu-time-estimate","source":"estimate","energyJ":3}',
      '{"configuration":{"instances":1},"worker":{"host":"old-host","cpuModel":"Xeon","cores":2,"memoryMb":4096,"pid":7}}',
    );
  raw.close();

  const reopened = openSqliteStore(path);
  t.after(() => reopened.close());
  const trial = reopened.trial('old')!;
  const expected = [
    { code: 'unclassified', message: 'UNSTABLE: p99 latency drifts +40%' },
    { code: 'unclassified', message: 'self-check: the generator used 95% of a core' },
  ];
  assert.deepEqual(trial.measurement?.verdictReasons, expected);
  assert.deepEqual(trial.measurement?.client?.reasons, [expected[0]]);
  assert.equal(trial.measurement?.client?.achievedRps, 50);
  assert.deepEqual(trial.measurement?.energy, { meter: 'cpu-time-estimate', source: 'estimate', energyJ: 3 });
  assert.equal(trial.measurement?.applied?.worker?.host, 'old-host');
  assert.equal(trial.row.context.machine, 'old-host', 'the machine comes from the typed worker field');
  assert.equal(reopened.trialRows('s')[0]!.context.machine, 'old-host');

  const reader = openSqliteReader(path);
  t.after(() => reader.close());
  const [light] = await reader.lightTrials('s');
  const row = dashboardRow(light!);
  assert.deepEqual(row.reasons, expected.map((reason) => reason.message));
  assert.deepEqual(row.verdictReasons, expected);
  const [group] = studyProgress({ rows: [row], knobOrder: [], nowMs: 0 }).failures;
  assert.deepEqual(group?.reasons.map((entry) => [entry.code, entry.reason, entry.count]), [
    ['unclassified', 'UNSTABLE: p99 latency drifts +40%', 1],
    ['unclassified', 'self-check: the generator used 95% of a core', 1],
  ]);
});
