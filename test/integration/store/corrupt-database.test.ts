/**
 * A database that is not a readable servelab study database — not SQLite at all, truncated, overwritten,
 * another program's SQLite file, an empty file, a garbled stored value — gives one ServelabError naming the
 * file and what was expected, from every command that opens one (explore, status, export, analyze, report).
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isServelabError } from '../../../src/core/errors.js';
import { loadReportInput } from '../../../src/report/source.js';
import { explore } from '../../../src/run/runner.js';
import { silentProgress } from '../../../src/run/progress.js';
import { readStudyRows } from '../../../src/store/async-store.js';
import { exportStudy } from '../../../src/store/export.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { studyStatus } from '../../../src/store/status.js';
import { servelab } from '../../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'servelab-corrupt-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A real study database of several pages (4 KiB each), checkpointed into the main file. */
function studyDatabase(name: string): string {
  const path = join(dir, name);
  const store = openSqliteStore(path);
  store.openStudy({ studyId: 'demo', definitionHash: 'h', definition: { name: 'demo' }, seed: 1 });
  const trials = Array.from({ length: 60 }, (_, i) => ({ trialId: `t${i}`, studyId: 'demo', configuration: { instances: i }, context: { model: 'm', workload: 'w', load: 'light' }, repetition: 0 }));
  store.planTrials(trials);
  for (const trial of trials) {
    store.startTrial(trial.trialId);
    store.completeTrial(trial.trialId, { metrics: { p99_ms: 1 + trial.configuration.instances, energy_j_per_inf: 0.1 }, valid: true, histograms: { padding: 'x'.repeat(3000) } });
  }
  store.close();
  return path;
}

function variant(name: string, make: (path: string) => void): string {
  const path = join(dir, name);
  make(path);
  return path;
}

const pristine = studyDatabase('pristine.db');
const bytes = readFileSync(pristine);
const pages = bytes.length / 4096;
assert.ok(pages > 20, `${pages} pages`);

const CASES: readonly { readonly name: string; readonly path: string; readonly expected: RegExp }[] = [
  { name: 'a text file', path: variant('text.db', (p) => writeFileSync(p, 'name,p99\nx,1\n'.repeat(50))), expected: /is not an SQLite database \(file is not a database\); expected a study database written by 'servelab explore'/ },
  { name: 'a truncated SQLite file', path: variant('truncated.db', (p) => writeFileSync(p, bytes.subarray(0, Math.floor(pages / 2) * 4096))), expected: /is damaged, e\.g\. truncated or overwritten \(database disk image is malformed\)/ },
  {
    name: 'an SQLite file with pages overwritten',
    path: variant('overwritten.db', (p) => {
      const damaged = Buffer.from(bytes);
      damaged.fill(0xff, Math.floor(pages / 2) * 4096, (Math.floor(pages / 2) + 8) * 4096);
      writeFileSync(p, damaged);
    }),
    expected: /is damaged, e\.g\. truncated or overwritten/,
  },
  {
    name: "another program's SQLite database",
    path: variant('recipes.db', (p) => {
      const db = new Database(p);
      db.exec("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup')");
      db.close();
    }),
    expected: /is an SQLite database but not a servelab study database \(no table 'studies'; .* it holds: recipes\); expected a study database written by 'servelab explore'/,
  },
  {
    name: 'an SQLite database whose trials table is not ours',
    path: variant('trials.db', (p) => {
      const db = new Database(p);
      db.exec('CREATE TABLE trials (patient TEXT, arm TEXT)');
      db.close();
    }),
    expected: /not a servelab study database \(no table 'studies'; no table 'configurations'; table 'trials' has other columns; no table 'measurements'; it holds: trials\)/,
  },
  { name: 'an empty file', path: variant('empty.db', (p) => writeFileSync(p, '')), expected: /is an empty file, not a study database; expected a study database written by 'servelab explore'/ },
  {
    name: 'a garbled stored value',
    path: variant('garbled.db', (p) => {
      copyFileSync(pristine, p);
      const db = new Database(p);
      db.prepare(`UPDATE measurements SET metrics_json = '{"p99_ms": 1' WHERE trial_id = 't7'`).run();
      db.close();
    }),
    expected: /holds a stored value that is not valid JSON \(.*\): the database is damaged/,
  },
];

const READERS: readonly (readonly [string, (path: string) => Promise<unknown>])[] = [
  ['status', (path) => studyStatus(path)],
  ['export', (path) => exportStudy(path, { csvPath: join(dir, 'out.csv') })],
  ['analyze', (path) => readStudyRows(path)],
  ['report', (path) => loadReportInput(path)],
];

for (const { name, path, expected } of CASES) {
  test(`${name}: status, export, analyze and report name the file and what was expected`, async () => {
    for (const [command, read] of READERS) {
      const copy = join(dir, `${command}-${name.replace(/\W+/g, '-')}.db`);
      copyFileSync(path, copy);
      await assert.rejects(read(copy), (error: unknown) => {
        assert.ok(isServelabError(error), `${command}: ${String(error)}`);
        assert.equal(error.message.split(copy).length - 1, 1, `${command} names the file once: ${error.message}`);
        assert.match(error.message, expected, command);
        return true;
      });
    }
  });
}

test("explore refuses a file that is not SQLite and another program's database, and leaves the latter untouched", async () => {
  const studyPath = join(dir, 'study.yaml');
  writeFileSync(studyPath, 'name: demo\nmodels: [mnist-cnn]\nworkloads: [mnist-digits]\nload: { pattern: constant, rates: [50], duration: 1s }\nobjectives: [{ metric: p50_ms }]\n');
  for (const { path, expected } of CASES.filter((c) => /text|recipes|trials\.db/.test(c.path))) {
    const before = readFileSync(path);
    await assert.rejects(explore({ studyPath, dbPath: path, progress: silentProgress }), (error: unknown) => isServelabError(error) && error.message.includes(path) && expected.test(error.message));
    assert.deepEqual(readFileSync(path), before, `${path} is not modified`);
  }
});

test('the CLI prints the error as one line naming the file', async () => {
  const { code, stderr } = await servelab('status', CASES[1]!.path);
  assert.equal(code, 1);
  assert.match(stderr, /^servelab: .*truncated\.db is damaged, e\.g\. truncated or overwritten .*restore it from a copy\n$/);
});
