import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SCHEMA_SQL } from '../../../src/store/schema.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';

test('a version 1 database (environment keyed by time) opens as version 2 with its rows kept', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-migrate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'v1.db');
  const v1 = new Database(path);
  const v1Sql = SCHEMA_SQL.replace('environment_id INTEGER PRIMARY KEY AUTOINCREMENT,', '').replace(
    /details_json TEXT NOT NULL\n\);\nCREATE TABLE IF NOT EXISTS capacities/,
    'details_json TEXT NOT NULL,\n  PRIMARY KEY (study_id, recorded_at)\n);\nCREATE TABLE IF NOT EXISTS capacities',
  );
  assert.notEqual(v1Sql, SCHEMA_SQL);
  v1.exec(v1Sql);
  v1.pragma('user_version = 1');
  v1.prepare(`INSERT INTO studies VALUES ('s', 'h', '{}', NULL, 1, 2, '2026-01-01T00:00:00.000Z')`).run();
  v1.prepare(`INSERT INTO environment VALUES ('s', '2026-01-01T00:00:01.000Z', 'Xeon', 2, 4096, 'Linux', 'v20', '1.30.0', 'rapl', '{}')`).run();
  v1.close();

  const fixed = new Date('2026-01-02T00:00:00.000Z');
  const store = openSqliteStore(path, { now: () => fixed });
  t.after(() => store.close());
  const environment = { cpuModel: 'Xeon', cores: 2, memoryMb: 4096, os: 'Linux', nodeVersion: 'v20', ortVersion: '1.30.0', meter: 'rapl', details: {} };
  store.recordEnvironment('s', environment);
  store.recordEnvironment('s', { ...environment, cpuModel: 'EPYC' }); // the same instant: both kept in version 2
  assert.deepEqual(store.environments('s').map((e) => e.cpuModel), ['Xeon', 'Xeon', 'EPYC']);
  assert.equal(store.progress('s').planned, 2);
});

test('a version 2 database opens as version 3: the attempts finished so far are in its attempt history', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-migrate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'v2.db');
  const v2 = new Database(path);
  const v2Sql = SCHEMA_SQL.slice(0, SCHEMA_SQL.indexOf('CREATE TABLE IF NOT EXISTS trial_attempts'));
  assert.ok(v2Sql.includes('capacities') && !v2Sql.includes('study_leases'));
  v2.exec(v2Sql);
  v2.pragma('user_version = 2');
  v2.prepare(`INSERT INTO studies VALUES ('s', 'h', '{}', NULL, 1, 3, '2026-01-01T00:00:00.000Z')`).run();
  v2.prepare(`INSERT INTO configurations VALUES ('s', '{}', '{}', 0)`).run();
  const trial = v2.prepare(`INSERT INTO trials VALUES (?, 's', '{}', 'm', 'w', 'light', 0, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z')`);
  trial.run('done', 'completed', 1, 1, null, null, 0);
  trial.run('crashed', 'failed', 2, 0, 'crash', 'exited with code 1', 1);
  trial.run('waiting', 'planned', 0, null, null, null, 2);
  v2.prepare(`INSERT INTO measurements (trial_id, metrics_json, verdict_json) VALUES ('done', '{"p99_ms":4}', '{"valid":true,"reasons":[]}')`).run();
  v2.close();

  const store = openSqliteStore(path);
  t.after(() => store.close());
  assert.deepEqual(
    store.attempts('s').map((a) => [a.trialId, a.attempt, a.state, a.failure?.kind ?? null, a.metrics.p99_ms ?? null]),
    [
      ['done', 1, 'completed', null, 4],
      ['crashed', 2, 'failed', 'crash', null],
    ],
  );
  assert.equal(store.retryFailedTrials('s'), 1);
  assert.equal(store.startTrial('crashed'), 3);
  store.close();
  const reopened = new Database(path, { readonly: true });
  t.after(() => reopened.close());
  assert.equal(reopened.pragma('user_version', { simple: true }), 3);
});
