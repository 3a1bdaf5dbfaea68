/**
 * Distributed jobs on a private Redis: the coordinator queues ids only (no study), the worker reads the study
 * from the shared store, and a job it cannot trust (the old form carrying a whole study) fails with the reason
 * instead of being run. Here the coordinator and one worker share an SQLite store in this process; real
 * servers, the fake load driver.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import { STUDY_QUEUE } from '../../../src/distributed/bullmq-queue.js';
import { redisConnection } from '../../../src/distributed/connection.js';
import { coordinateStudy } from '../../../src/distributed/coordinator.js';
import { startStudyWorker, type RunningStudyWorker } from '../../../src/distributed/worker.js';
import { asAsyncStore, type AsyncResultsStore } from '../../../src/store/async-store.js';
import { openSqliteStore } from '../../../src/store/sqlite-store.js';
import { fakeLoadDriver } from '../../support/dashboard/fake-driver.js';
import { startRedis, type RunningService } from '../../support/services.js';

const unavailable = existsSync('/usr/bin/redis-server') ? undefined : 'redis-server is not installed (apt-get install redis-server)';

const STUDY = `
name: payload
models: [mnist-cnn]
workloads: [mnist-digits]
knobs:
  instances: [1, 2]
load:
  pattern: constant
  rates: [40]
  duration: 1s
  warmup: 200ms
objectives: [{ metric: p50_ms }]
energy: { meter: estimate }
`;

let dir: string;
let redis: RunningService | undefined;
let store: AsyncResultsStore | undefined;
let worker: RunningStudyWorker | undefined;
let queue: Queue | undefined;
const workerLog: string[] = [];

before(async () => {
  if (unavailable) return;
  dir = mkdtempSync(join(tmpdir(), 'servelab-payload-'));
  redis = await startRedis();
  store = asAsyncStore(openSqliteStore(join(dir, 'study.db')));
  queue = new Queue(STUDY_QUEUE, { connection: redisConnection(redis.url) });
  worker = await startStudyWorker({ queueUrl: redis.url, store, driver: fakeLoadDriver({ runWallMs: 50 }), name: 'w-test', log: (line) => workerLog.push(line) });
});

after(async () => {
  await worker?.close();
  await queue?.close();
  await store?.close();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the coordinator queues ids only; the worker reads the study from the store and records its trials', { skip: unavailable, timeout: 180_000 }, async () => {
  const studyPath = join(dir, 'study.yaml');
  writeFileSync(studyPath, STUDY);
  const summary = await coordinateStudy({ studyPath, queueUrl: redis!.url, store: store!, parallelism: 2, pollMs: 100, log: () => undefined });
  assert.deepEqual([summary.planned, summary.completed, summary.failed], [2, 2, 0], workerLog.join('\n'));

  // The store knows a trial is done a moment before BullMQ marks its job completed.
  let jobs = await queue!.getJobs(['completed']);
  for (let i = 0; i < 100 && jobs.length < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    jobs = await queue!.getJobs(['completed']);
  }
  assert.equal(jobs.length, 2);
  for (const job of jobs) {
    assert.deepEqual(Object.keys(job.data as object).sort(), ['configurationKey', 'kind', 'model', 'repetition', 'studyId']);
    assert.ok(JSON.stringify(job.data).length < 150);
    assert.deepEqual({ ...job.returnvalue, workMs: 0, coordinationMs: 0 }, { kind: 'unit', worker: 'w-test', recorded: 1, duplicates: 0, workMs: 0, coordinationMs: 0 });
  }
  for (const trial of await store!.trials('payload')) {
    assert.equal(trial.state, 'completed');
    assert.equal((trial.measurement?.applied as { worker?: { host: string } }).worker?.host, 'w-test');
  }
  const environments = await store!.environments('payload');
  assert.deepEqual(environments.map((environment) => (environment.details.worker as { host: string }).host), ['w-test']);
});

test('a job in the old form, carrying the whole study, fails with the reason and runs nothing', { skip: unavailable, timeout: 60_000 }, async () => {
  const before = (await store!.trials('payload')).map((trial) => [trial.trialId, trial.attempt]);
  const study = { name: 'payload', models: ['mnist-cnn'] };
  const job = await queue!.add('unit', { kind: 'unit', studyId: 'payload', study, configuration: { instances: 4 }, model: 'mnist-cnn', repetition: 0 }, { jobId: 'old-form', attempts: 1 });
  for (let i = 0; i < 200 && !(await job.isFailed()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  const failed = await queue!.getJob('old-form');
  assert.ok(await failed?.isFailed(), 'the job failed');
  assert.match(failed!.failedReason, /^a study job must name its study and one capacity search or unit by ids \(.*Unrecognized keys: "study", "configuration"/);
  assert.deepEqual((await store!.trials('payload')).map((trial) => [trial.trialId, trial.attempt]), before, 'no trial was started');
  assert.ok(workerLog.some((line) => line.startsWith('worker w-test: job old-form failed: a study job must name its study')));
});
