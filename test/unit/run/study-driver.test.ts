/**
 * The one study driver on an SQLite store, with queues whose "worker" records trials straight into the store
 * (no servers): run order, resume, the two refill rules, jobs that fail for good, a lost worker (stall, on
 * virtual time) and a job error ending the study with the lease released.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { parseStudy } from '../../../src/plan/study-schema.js';
import { InProcessQueue } from '../../../src/run/in-process-queue.js';
import { driveStudy, type Refill, type StudyDriverOptions } from '../../../src/run/study-driver.js';
import { jobConfiguration, jobId, type StudyJob } from '../../../src/run/study-jobs.js';
import type { ExhaustedJob, StudyQueue } from '../../../src/run/study-queue.js';
import { definitionHash, trialsOf } from '../../../src/run/trial-plan.js';
import { asAsyncStore, type AsyncResultsStore } from '../../../src/store/async-store.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';

const STUDY = `
name: driven
seed: 7
models: [mnist-cnn]
workloads: [mnist-digits]
knobs:
  instances: [1, 2, 4]
load:
  pattern: constant
  rates: [40]
repetitions: 2
`;

function openStore(t: TestContext): AsyncResultsStore {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-driver-'));
  const store = asAsyncStore(openSqliteStore(join(dir, 'study.db')));
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

/** What a worker does with a job, minus the servers: every trial of the unit completed, a capacity saved. */
async function recordJob(store: AsyncResultsStore, sourceText: string, job: StudyJob): Promise<void> {
  const study = parseStudy(sourceText);
  if (job.kind === 'capacity') {
    await store.saveCapacity(job.studyId, { model: job.model, workload: job.workload, capacityRps: 100, method: 'test' });
    return;
  }
  const configuration = jobConfiguration(job);
  for (const trial of trialsOf(study, configuration).filter((spec) => spec.context.model === job.model && spec.repetition === job.repetition)) {
    await store.startTrial(trial.trialId);
    await store.completeTrial(trial.trialId, { metrics: { p99_ms: 10 / Number(configuration.instances), energy_j_per_inf: 0.01 }, valid: true });
  }
}

const label = (job: StudyJob): string => (job.kind === 'unit' ? `${JSON.parse(job.configurationKey).instances}#${job.repetition}` : `capacity ${job.model}`);

function baseOptions(store: AsyncResultsStore, sourceText: string, refill: Refill, ran: string[]): StudyDriverOptions {
  return {
    study: parseStudy(sourceText),
    sourceText,
    store,
    role: 'explore',
    refill,
    openQueue: () =>
      new InProcessQueue(async (job) => {
        ran.push(label(job));
        await recordJob(store, sourceText, job);
      }),
  };
}

test('one machine: the whole plan is planned at once and run with repetitions interleaved; jobs are ids', async (t) => {
  const store = openStore(t);
  const ran: string[] = [];
  const queued: StudyJob[] = [];
  const started: unknown[] = [];
  const options = baseOptions(store, STUDY, { kind: 'batches' }, ran);
  const result = await driveStudy({
    ...options,
    openQueue: (lease) => {
      const queue = options.openQueue(lease);
      return { ...queue, add: (job) => (queued.push(job), queue.add(job)), nextChange: (ms) => queue.nextChange(ms), close: () => queue.close(), exhausted: (job) => queue.exhausted(job) };
    },
    events: { started: (start) => void started.push(start) },
  });
  assert.deepEqual(started, [{ planned: 6, done: 0, retried: 0 }]);
  assert.deepEqual([result.progress.planned, result.progress.completed, result.progress.failed, result.retried], [6, 6, 0, 0]);
  assert.equal(ran.length, 6);
  assert.deepEqual(ran.slice(0, 3).map((unit) => unit.split('#')[1]), ['0', '0', '0'], `every first repetition before any second: ${ran.join(', ')}`);
  assert.deepEqual(new Set(ran.slice(0, 3).map((unit) => unit.split('#')[0])), new Set(['1', '2', '4']));
  for (const job of queued) assert.deepEqual(Object.keys(job).sort(), ['configurationKey', 'kind', 'model', 'repetition', 'studyId']);
  assert.equal(await store.studyLease('driven'), undefined, 'the lease is released');

  // The same seed gives the same order (a resumed study runs the same plan the same way).
  const again: string[] = [];
  await driveStudy(baseOptions(openStore(t), STUDY, { kind: 'batches' }, again));
  assert.deepEqual(again, ran);
});

test('resume: unfinished configurations run first; one machine asks for more only once they are done, several workers at once', async (t) => {
  for (const [refill, expectedFirstRound] of [
    [{ kind: 'batches' }, ['1#1']],
    [{ kind: 'in-flight', parallelism: 3 }, ['1#1', '2#0', '2#1', '4#0', '4#1']],
  ] as const) {
    const store = openStore(t);
    const study = parseStudy(STUDY);
    const ran: string[] = [];
    const options = baseOptions(store, STUDY, refill, ran);
    // An earlier run planned instances=1 and finished its first repetition.
    await store.openStudy({ studyId: 'driven', definitionHash: definitionHash(study), definition: study, sourceText: STUDY, seed: 7 });
    const earlier = trialsOf(study, { instances: 1 });
    await store.planTrials(earlier);
    await recordJob(store, STUDY, { kind: 'unit', studyId: 'driven', configurationKey: '{"instances":1}', model: 'mnist-cnn', repetition: 0 });
    // The first round's jobs are all queued before the in-process worker takes the second: record what was queued by then.
    const firstRound: string[] = [];
    let rounds = 0;
    await driveStudy({
      ...options,
      openQueue: (lease) => {
        const queue = options.openQueue(lease);
        return {
          add: async (job) => {
            if (rounds === 0) firstRound.push(label(job));
            await queue.add(job);
          },
          exhausted: (job) => queue.exhausted(job),
          nextChange: async (ms) => {
            rounds++;
            await queue.nextChange(ms);
          },
          close: () => queue.close(),
        };
      },
    });
    assert.deepEqual([...firstRound].sort(), [...expectedFirstRound].sort(), `${refill.kind}: ${firstRound.join(', ')}`);
    assert.equal(ran[0], '1#1', 'the unfinished unit first');
    assert.equal(ran.length, 5, 'the finished unit is not run again');
    const progress = await store.progress('driven');
    assert.deepEqual([progress.completed, progress.remaining], [6, 0]);
  }
});

/** A queue served elsewhere: nothing runs here; it reports the given jobs as exhausted. */
function remoteQueue(exhaustedIds: ReadonlySet<string>, clock?: VirtualClock): StudyQueue & { added: StudyJob[] } {
  const added: StudyJob[] = [];
  return {
    added,
    add: async (job) => void added.push(job),
    exhausted: async (job): Promise<ExhaustedJob | undefined> => (exhaustedIds.has(jobId(job)) ? { attempts: 3, reason: 'boom' } : undefined),
    nextChange: async (ms) => clock?.advanceMs(ms),
    close: async () => undefined,
  };
}

test('several workers: a unit whose job failed on every attempt fails its trials; a capacity that cannot be measured stops the study', async (t) => {
  const store = openStore(t);
  const study = parseStudy(STUDY);
  const doomed = trialsOf(study, { instances: 2 }).filter((trial) => trial.repetition === 1);
  assert.equal(doomed.length, 1, 'one load point: a unit is one trial');
  const queue = remoteQueue(new Set([jobId({ kind: 'unit', studyId: 'driven', configurationKey: '{"instances":2}', model: 'mnist-cnn', repetition: 1 })]));
  let rounds = 0;
  const run = driveStudy({
    ...baseOptions(store, STUDY, { kind: 'in-flight', parallelism: 4 }, []),
    role: 'coordinator',
    openQueue: () => ({
      ...queue,
      // The workers: every other unit completes between two rounds.
      nextChange: async () => {
        rounds++;
        for (const job of queue.added.splice(0)) if (jobId(job) !== jobId({ kind: 'unit', studyId: 'driven', configurationKey: '{"instances":2}', model: 'mnist-cnn', repetition: 1 })) await recordJob(store, STUDY, job);
      },
    }),
  });
  const { progress } = await run;
  assert.deepEqual([progress.completed, progress.failed, progress.remaining], [5, 1, 0]);
  for (const trial of doomed) {
    const stored = await store.trial(trial.trialId);
    assert.equal(stored?.state, 'failed');
    assert.deepEqual(stored?.row.failure, { kind: 'crash', reason: 'the worker failed this unit 3 times: boom' });
  }
  assert.ok(rounds >= 2);

  const levels = STUDY.replace('name: driven', 'name: leveled').replace('rates: [40]', 'levels: [light]');
  const capacityStore = openStore(t);
  const capacityQueue = remoteQueue(new Set([jobId({ kind: 'capacity', studyId: 'leveled', model: 'mnist-cnn', workload: 'mnist-digits' })]));
  const missing: number[] = [];
  await assert.rejects(
    driveStudy({ ...baseOptions(capacityStore, levels, { kind: 'in-flight', parallelism: 2 }, []), role: 'coordinator', openQueue: () => capacityQueue, events: { capacitiesMissing: (count) => void missing.push(count) } }),
    /^ServelabError: cannot measure the capacity of mnist-cnn with mnist-digits for the stress levels: the workers failed 3 times: boom$/,
  );
  assert.deepEqual(missing, [1]);
  assert.deepEqual(capacityQueue.added.map((job) => job.kind), ['capacity'], 'no unit is queued before the capacities are known');
  assert.equal(await capacityStore.studyLease('leveled'), undefined, 'the lease is released');
});

test('no trial finishing within the stall limit (no worker) stops the study, timed on the given clock', async (t) => {
  const store = openStore(t);
  const clock = new VirtualClock();
  const queue = remoteQueue(new Set(), clock);
  const progressed: number[] = [];
  await assert.rejects(
    driveStudy({
      ...baseOptions(store, STUDY, { kind: 'in-flight', parallelism: 2 }, []),
      role: 'coordinator',
      openQueue: () => queue,
      pollMs: 500,
      stallTimeoutMs: 2_000,
      clock,
      events: { progressed: (progress, inFlight) => void progressed.push(progress.completed + progress.failed, inFlight) },
    }),
    /no trial finished for 2 s: is a 'servelab worker' running against this queue and store\?/,
  );
  assert.equal(clock.nowMs(), 2_500, 'given up on the first look past the limit');
  assert.deepEqual(progressed, [0, 2], 'one progress report: nothing changed after the first round');
  assert.equal(await store.studyLease('driven'), undefined);
});

test('on one machine a job that throws ends the study with its error; the lease is released and nothing else runs', async (t) => {
  const store = openStore(t);
  const ran: string[] = [];
  await assert.rejects(
    driveStudy({
      ...baseOptions(store, STUDY, { kind: 'batches' }, ran),
      openQueue: () =>
        new InProcessQueue(async (job) => {
          ran.push(label(job));
          throw new Error('the store is gone');
        }),
    }),
    /the store is gone/,
  );
  assert.equal(ran.length, 1);
  assert.equal(await store.studyLease('driven'), undefined);
});
