import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SCHEMA_SQL } from '../../src/store/schema.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';

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
