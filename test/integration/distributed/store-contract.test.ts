/**
 * One contract for every results-store backend: SQLite (embedded) and PostgreSQL must behave the same,
 * including "a trial completes once" and resumable progress.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asAsyncStore, openResultsStore, type AsyncResultsStore } from '../../../src/store/async-store.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import type { PlannedTrial, StudyRecord, TrialMeasurement } from '../../../src/store/types.js';
import { servicesUnavailableReason, startPostgres, type RunningService } from '../../support/services.js';

const study: StudyRecord = { studyId: 'contract', definitionHash: 'h1', definition: { name: 'contract' }, seed: 7, expectedTrials: 3 };
const planned: PlannedTrial[] = [1, 2, 4].map((instances) => ({
  trialId: `t-${instances}`,
  studyId: 'contract',
  configuration: { instances, 'batching.enabled': instances > 1 },
  context: { model: 'mnist-cnn', workload: 'mnist-digits', load: 'light' },
  repetition: 0,
}));
const measurement = (p99: number): TrialMeasurement => ({ metrics: { p99_ms: p99, energy_j_per_inf: 0.01 }, valid: true, energy: { meter: 'cpu-time-estimate', source: 'estimate' } });

function contract(name: string, open: () => Promise<AsyncResultsStore>, skip?: string): void {
  describe(`results store contract: ${name}`, { skip }, () => {
    test('plans, runs, completes once, fails with a reason, and reports progress', async () => {
      const store = await open();
      try {
        const opened = await store.openStudy(study);
        assert.equal(opened.studyId, 'contract');
        await assert.rejects(store.openStudy({ ...study, definitionHash: 'other' }), /different definition/);
        await store.planTrials(planned);
        await store.planTrials(planned); // idempotent
        assert.equal(await store.startTrial('t-1'), 1);
        assert.equal(await store.completeTrial('t-1', measurement(12.5)), true);
        assert.equal(await store.completeTrial('t-1', measurement(99)), false, 'a duplicate result is ignored');
        assert.equal(await store.startTrial('t-2'), 1);
        assert.equal(await store.failTrial('t-2', { kind: 'crash', reason: 'server exited with code 1' }), true);
        assert.equal(await store.startTrial('t-2'), 2, 'a failed trial can be retried and counts attempts');
        assert.equal(await store.startTrial('t-4'), 1);
        await assert.rejects(store.startTrial('t-1'), /already completed/);
        const progress = await store.progress('contract');
        assert.deepEqual(
          { planned: progress.planned, completed: progress.completed, failed: progress.failed, running: progress.running, remaining: progress.remaining, configurations: progress.configurations },
          { planned: 3, completed: 1, failed: 0, running: 2, remaining: 2, configurations: 3 },
        );
        const rows = await store.trialRows('contract');
        assert.deepEqual(rows.map((r) => r.trialId), ['t-1', 't-2', 't-4']);
        assert.equal(rows[0]!.metrics.p99_ms, 12.5);
        assert.deepEqual(rows[0]!.configuration, { 'batching.enabled': false, instances: 1 });
        const stored = await store.trial('t-1');
        assert.deepEqual(stored?.measurement?.energy, { meter: 'cpu-time-estimate', source: 'estimate' });
        await store.saveCapacity('contract', { model: 'mnist-cnn', workload: 'mnist-digits', capacityRps: 420.5, method: 'search' });
        await store.saveCapacity('contract', { model: 'mnist-cnn', workload: 'mnist-digits', capacityRps: 430, method: 'search' });
        assert.equal((await store.capacity('contract', 'mnist-cnn', 'mnist-digits'))?.capacityRps, 430);
        await store.recordEnvironment('contract', { cpuModel: 'x', cores: 2, memoryMb: 1024, os: 'linux', nodeVersion: 'v20', ortVersion: '1.30.0', meter: 'cpu-time-estimate', details: { host: 'h1' } });
        assert.equal((await store.environments('contract'))[0]?.details.host, 'h1');
      } finally {
        await store.close();
      }
    });

    test('failed trials are planned again by kind; every earlier attempt stays recorded', async () => {
      const store = await open();
      try {
        await store.openStudy({ ...study, studyId: 'retry' });
        const trials = planned.map((trial) => ({ ...trial, studyId: 'retry', trialId: `retry-${trial.trialId}` }));
        await store.planTrials(trials);
        const [a, b, c] = trials.map((trial) => trial.trialId) as [string, string, string];
        await store.startTrial(a);
        await store.startTrial(a); // its first runner stopped midway
        await store.failTrial(a, { kind: 'crash', reason: 'killed by SIGKILL' }, { metrics: { p99_ms: 3 }, valid: false });
        await store.startTrial(b);
        await store.failTrial(b, { kind: 'timeout', reason: 'exceeded trialTimeout' });
        await store.startTrial(c);
        await store.completeTrial(c, measurement(4));
        assert.equal(await store.retryFailedTrials('retry', ['timeout']), 1);
        assert.equal((await store.trial(b))?.state, 'planned');
        assert.equal((await store.trial(a))?.state, 'failed', 'a crash is not a timeout');
        assert.equal(await store.retryFailedTrials('retry'), 1);
        const retried = (await store.trial(a))!;
        assert.equal(retried.state, 'planned');
        assert.equal(retried.row.failure, undefined);
        assert.equal(retried.measurement, undefined, "the failed attempt's partial result is no longer the trial's");
        assert.equal(await store.startTrial(a), 3, 'the attempt count goes on');
        await store.completeTrial(a, measurement(5));
        assert.equal(await store.retryFailedTrials('retry'), 0);
        const attempts = (await store.attempts('retry')).map((x) => ({ trial: x.trialId, attempt: x.attempt, state: x.state, kind: x.failure?.kind, p99: x.metrics.p99_ms }));
        assert.deepEqual(attempts, [
          { trial: a, attempt: 1, state: 'interrupted', kind: undefined, p99: undefined },
          { trial: a, attempt: 2, state: 'failed', kind: 'crash', p99: 3 },
          { trial: a, attempt: 3, state: 'completed', kind: undefined, p99: 5 },
          { trial: b, attempt: 1, state: 'failed', kind: 'timeout', p99: undefined },
          { trial: c, attempt: 1, state: 'completed', kind: undefined, p99: 4 },
        ]);
        assert.equal((await store.attempts('retry'))[1]!.failure?.reason, 'killed by SIGKILL');
      } finally {
        await store.close();
      }
    });

    test('a disturbed measurement set aside stays an attempt; the trial runs on as its next attempt', async () => {
      const store = await open();
      try {
        await store.openStudy({ ...study, studyId: 'again' });
        const [trial] = planned.map((t) => ({ ...t, studyId: 'again', trialId: `again-${t.trialId}` }));
        await store.planTrials([trial!]);
        const id = trial!.trialId;
        const disturbed: TrialMeasurement = { metrics: { p99_ms: 40 }, valid: false, verdictReasons: [{ code: 'self-check', message: 'self-check: sends left 14 ms late' }] };
        assert.equal(await store.discardAttempt(id, disturbed), false, 'a trial that is not running has no attempt to set aside');
        await store.startTrial(id);
        assert.equal(await store.discardAttempt(id, disturbed), true);
        assert.equal((await store.trial(id))?.state, 'running', 'the trial is still being measured');
        assert.equal(await store.startTrial(id), 2);
        await store.completeTrial(id, measurement(6));
        const attempts = (await store.attempts('again')).map((x) => ({ attempt: x.attempt, state: x.state, valid: x.valid, reason: x.reason, p99: x.metrics.p99_ms }));
        assert.deepEqual(attempts, [
          { attempt: 1, state: 'completed', valid: false, reason: 'measured again: self-check: sends left 14 ms late', p99: 40 },
          { attempt: 2, state: 'completed', valid: true, reason: undefined, p99: 6 },
        ]);
        assert.equal((await store.trial(id))?.row.metrics.p99_ms, 6, "the last measurement is the trial's");
      } finally {
        await store.close();
      }
    });

    test('a study lease is taken once, renewed and released by its holder, and taken over only from the holder named', async () => {
      const store = await open();
      try {
        await store.openStudy({ ...study, studyId: 'leased' });
        const first = { studyId: 'leased', holderId: 'h-1', pid: 101, host: 'alpha', role: 'explore' as const };
        const second = { studyId: 'leased', holderId: 'h-2', pid: 202, host: 'beta', role: 'coordinator' as const };
        assert.equal(await store.studyLease('leased'), undefined);
        assert.equal(await store.claimStudyLease(first), true);
        assert.equal(await store.claimStudyLease(second), false, 'held');
        assert.equal(await store.claimStudyLease(second, 'someone-else'), false, 'a takeover names the holder it replaces');
        const held = (await store.studyLease('leased'))!;
        assert.deepEqual({ holderId: held.holderId, pid: held.pid, host: held.host, role: held.role }, { holderId: 'h-1', pid: 101, host: 'alpha', role: 'explore' });
        assert.ok(Date.parse(held.heartbeatAt) >= Date.parse(held.acquiredAt));
        assert.equal(await store.renewStudyLease('leased', 'h-1'), true);
        assert.equal(await store.renewStudyLease('leased', 'h-2'), false);
        assert.equal(await store.claimStudyLease(second, 'h-1'), true, 'taken over from an abandoned holder');
        assert.equal(await store.renewStudyLease('leased', 'h-1'), false, 'the old holder learns it lost the lease');
        await store.releaseStudyLease('leased', 'h-1'); // not the holder: nothing happens
        assert.equal((await store.studyLease('leased'))?.holderId, 'h-2');
        await store.releaseStudyLease('leased', 'h-2');
        assert.equal(await store.studyLease('leased'), undefined);
      } finally {
        await store.close();
      }
    });

    test('unknown studies and trials are errors that name them, in the same words on every backend', async () => {
      const store = await open();
      try {
        await assert.rejects(store.progress('nowhere'), (error: Error & { code?: string }) => error.message === "no study 'nowhere' in this store" && error.code === 'not-found');
        await assert.rejects(store.startTrial('no-such-trial'), /unknown trial 'no-such-trial'/);
        await assert.rejects(store.completeTrial('no-such-trial', measurement(1)), /unknown trial 'no-such-trial'/);
        await assert.rejects(store.failTrial('no-such-trial', { kind: 'crash', reason: 'x' }), /unknown trial 'no-such-trial'/);
        assert.equal(await store.trial('no-such-trial'), undefined);
        assert.equal(await store.capacity('nowhere', 'm', 'w'), undefined);
      } finally {
        await store.close();
      }
    });

    test('a plan that fails midway writes none of its trials', async () => {
      const store = await open();
      try {
        await store.openStudy({ ...study, studyId: 'atomic' });
        const good = { ...planned[0]!, studyId: 'atomic', trialId: 'atomic-good' };
        const orphan = { ...planned[1]!, studyId: 'not-opened', trialId: 'atomic-orphan' };
        await assert.rejects(store.planTrials([good, orphan]), 'a trial of a study never opened breaks the foreign key');
        assert.deepEqual(await store.trialRows('atomic'), []);
        assert.equal(await store.trial('atomic-good'), undefined);
        await store.planTrials([good]);
        assert.equal((await store.progress('atomic')).configurations, 1);
      } finally {
        await store.close();
      }
    });

    test('two stores on one database finishing the same trial at once: it completes once, with the winner\'s result', async () => {
      const [first, second] = [await open(), await open()];
      try {
        await first.openStudy({ ...study, studyId: 'race' });
        await second.openStudy({ ...study, studyId: 'race' });
        const trials = planned.map((trial) => ({ ...trial, studyId: 'race', trialId: `race-${trial.trialId}` }));
        await Promise.all([first.planTrials(trials), second.planTrials([...trials].reverse())]);
        const order = (await first.trialRows('race')).map((row) => row.trialId);
        const ids = trials.map((trial) => trial.trialId);
        assert.ok([ids.join(), [...ids].reverse().join()].includes(order.join()), `planned once each, in one planner's order, not interleaved: ${order.join()}`);
        for (const [index, trial] of trials.entries()) {
          await first.startTrial(trial.trialId);
          const outcomes = await Promise.all([first.completeTrial(trial.trialId, measurement(10 + index)), second.completeTrial(trial.trialId, measurement(90 + index))]);
          assert.equal(outcomes.filter(Boolean).length, 1, `${trial.trialId}: exactly one completion wins`);
          const expected = outcomes[0] ? 10 + index : 90 + index;
          assert.equal((await second.trial(trial.trialId))?.row.metrics.p99_ms, expected);
        }
        assert.equal((await first.attempts('race')).length, trials.length, 'one attempt each');
        const progress = await second.progress('race');
        assert.deepEqual({ completed: progress.completed, remaining: progress.remaining }, { completed: 3, remaining: 0 });
      } finally {
        await first.close();
        await second.close();
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'servelab-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));
contract('sqlite', async () => asAsyncStore(openSqliteStore(join(dir, 'contract.db'))));

const unavailable = servicesUnavailableReason();
let postgres: RunningService | undefined;
before(async () => {
  if (!unavailable) postgres = await startPostgres();
});
after(async () => postgres?.stop());
contract('postgres', async () => openResultsStore(postgres!.url), unavailable);
