/**
 * Failed trials on resume: left as they are without --retry-failed (as before), run again with it — every
 * kind, or only the kinds named — with the earlier attempts kept in the store and counted by status.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadGeneratorDriver } from '../../../src/run/load-adapter.js';
import type { LoadDriver } from '../../../src/run/load-driver.js';
import { silentProgress } from '../../../src/run/progress.js';
import { parseFailureKinds } from '../../../src/run/retry-failed.js';
import { explore } from '../../../src/run/runner.js';
import { exportStudy } from '../../../src/store/export.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { studyStatus } from '../../../src/store/status.js';
import { servelab } from '../../support/cli.js';

const STUDY = `
name: retry
models: [mnist-cnn]
workloads: [mnist-digits]
load:
  pattern: constant
  rates: [40]
  duration: 1s
  warmup: 200ms
trialTimeout: 60s
objectives: [{ metric: p50_ms }]
`;

test('explore --retry-failed reruns failed trials (by kind), keeping their earlier attempts; without it they stay failed', { timeout: 240_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-retry-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const studyPath = join(dir, 'study.yaml');
  const dbPath = join(dir, 'study.db');
  writeFileSync(studyPath, STUDY);
  // An external kill of the server during the warm-up: the trial fails as a crash.
  const killingDriver: LoadDriver = {
    capacity: (request) => loadGeneratorDriver.capacity(request),
    run: async (request) => {
      if (request.serverPid) setTimeout(() => process.kill(request.serverPid!, 'SIGKILL'), 100);
      return loadGeneratorDriver.run(request);
    },
  };
  const first = await explore({ studyPath, dbPath, driver: killingDriver, progress: silentProgress });
  assert.deepEqual({ planned: first.planned, completed: first.completed, failed: first.failed, ranNow: first.ranNow }, { planned: 1, completed: 0, failed: 1, ranNow: 1 });

  const resumed = await explore({ studyPath, dbPath, driver: loadGeneratorDriver, progress: silentProgress });
  assert.deepEqual({ failed: resumed.failed, ranNow: resumed.ranNow, retried: resumed.retried }, { failed: 1, ranNow: 0, retried: 0 }, 'a plain resume leaves failed trials failed');

  const otherKind = await explore({ studyPath, dbPath, driver: loadGeneratorDriver, progress: silentProgress, retryFailed: { kinds: ['timeout', 'out-of-memory'] } });
  assert.deepEqual({ failed: otherKind.failed, ranNow: otherKind.ranNow, retried: otherKind.retried }, { failed: 1, ranNow: 0, retried: 0 }, 'a crash is not retried as a timeout');

  const retried = await explore({ studyPath, dbPath, driver: loadGeneratorDriver, progress: silentProgress, retryFailed: { kinds: ['crash'] } });
  assert.deepEqual({ completed: retried.completed, failed: retried.failed, ranNow: retried.ranNow, retried: retried.retried }, { completed: 1, failed: 0, ranNow: 1, retried: 1 });

  const store = openSqliteStore(dbPath, { mustExist: true });
  const [trial] = store.trials('retry');
  const attempts = store.attempts('retry');
  store.close();
  assert.equal(trial!.state, 'completed');
  assert.equal(trial!.attempt, 2);
  assert.ok(trial!.row.metrics.achieved_rps! > 0);
  assert.deepEqual(attempts.map((a) => [a.attempt, a.state, a.failure?.kind]), [
    [1, 'failed', 'crash'],
    [2, 'completed', undefined],
  ]);
  assert.match(attempts[0]!.failure!.reason, /killed by SIGKILL/);

  const [status] = await studyStatus(dbPath);
  assert.equal(status!.attempts, 2);
  assert.deepEqual(status!.earlierAttempts, { crash: 1 });
  assert.equal(status!.runner, undefined, 'the finished runner released the study');
  const jsonPath = join(dir, 'trials.json');
  await exportStudy(dbPath, { jsonPath });
  const exported = JSON.parse(readFileSync(jsonPath, 'utf8')) as { attempts: { attempt: number; state: string }[] };
  assert.deepEqual(exported.attempts.map((a) => [a.attempt, a.state]), [[1, 'failed'], [2, 'completed']], 'the JSON export keeps the history');
  const printed = await servelab('status', dbPath);
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /retry: earlier attempts, since run again: 1 crash/);
});

test('--retry-failed kinds are checked against the failure kinds there are', async () => {
  assert.equal(parseFailureKinds(true), undefined);
  assert.deepEqual(parseFailureKinds('crash, timeout,crash'), ['crash', 'timeout']);
  assert.throws(() => parseFailureKinds('server-crash,timeout'), /--retry-failed: expected failure kinds from crash, timeout, out-of-memory, not-ready, invalid-config, load-error \(comma-separated\), or none for every kind; got unknown kind 'server-crash'/);
  assert.throws(() => parseFailureKinds(','), /got an empty list/);
  const cli = await servelab('explore', 'missing-study.yaml', '--retry-failed', 'server-crash');
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /^servelab: --retry-failed: expected failure kinds from crash, .*got unknown kind 'server-crash'\n$/);
  const distributed = await servelab('explore', 'missing-study.yaml', '--retry-failed', '--distributed');
  assert.match(distributed.stderr, /--retry-failed runs failed trials again on this machine; it does not combine with --distributed/);
});

test('a trial the machine disturbed is measured again on the same server; the set-aside measurement stays an attempt', { timeout: 240_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-remeasure-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const studyPath = join(dir, 'study.yaml');
  const dbPath = join(dir, 'study.db');
  // One extra measurement at most, so the count below holds whatever this machine does to the second run.
  writeFileSync(studyPath, `${STUDY.replace('name: retry', 'name: remeasure')}validity: { remeasure: 1 }\n`);
  // The first measured run comes back as if the generator's sends had been stalled (self-check).
  const servers: number[] = [];
  let measuredRuns = 0;
  const disturbingDriver: LoadDriver = {
    capacity: (request) => loadGeneratorDriver.capacity(request),
    run: async (request) => {
      const summary = await loadGeneratorDriver.run(request);
      if (request.warmupMs === 0) return summary; // the server's warm-up
      servers.push(request.serverPid!);
      if (++measuredRuns > 1) return summary;
      return { ...summary, valid: false, reasons: [{ code: 'self-check', message: 'self-check: sends left 14.0 ms late (p99 schedule lag; limit 10 ms)' }] };
    },
  };
  const summary = await explore({ studyPath, dbPath, driver: disturbingDriver, progress: silentProgress });
  assert.deepEqual({ completed: summary.completed, failed: summary.failed }, { completed: 1, failed: 0 });
  assert.equal(measuredRuns, 2);
  assert.equal(new Set(servers).size, 1, 'measured again on the same server');

  const store = openSqliteStore(dbPath, { mustExist: true });
  const [trial] = store.trials('remeasure');
  const attempts = store.attempts('remeasure');
  store.close();
  assert.equal(trial!.attempt, 2);
  assert.deepEqual(attempts.map((a) => [a.attempt, a.state]), [[1, 'completed'], [2, 'completed']]);
  assert.equal(attempts[0]!.valid, false);
  assert.ok(!trial!.measurement!.verdictReasons?.some((reason) => /14\.0 ms late/.test(reason.message)), "the second measurement is the trial's");
  assert.match(attempts[0]!.reason!, /^measured again: self-check: sends left 14.0 ms late/);
  assert.ok(attempts[0]!.metrics.p99_ms! > 0, "the set-aside attempt keeps its metrics");
  const [status] = await studyStatus(dbPath);
  assert.deepEqual(status!.earlierAttempts, { remeasured: 1 });
});
