/** The single-machine study queue: one job at a time in the order added, no work twice, a failing job ends the study. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InProcessQueue } from '../../../src/run/in-process-queue.js';
import { unitJob, type StudyJob } from '../../../src/run/study-jobs.js';

const job = (instances: number, repetition = 0): StudyJob => unitJob('demo', { instances }, 'mnist-cnn', repetition);

/** A job runner the test releases by hand, recording the jobs it ran and how many ran at once. */
function manualRunner() {
  const ran: string[] = [];
  const waiting: (() => void)[] = [];
  let running = 0;
  let mostAtOnce = 0;
  return {
    ran,
    get mostAtOnce() {
      return mostAtOnce;
    },
    release: async () => {
      for (let i = 0; i < 10 && waiting.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
      waiting.shift()?.();
    },
    run: async (studyJob: StudyJob) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      ran.push(studyJob.kind === 'unit' ? `${studyJob.configurationKey}#${studyJob.repetition}` : studyJob.model);
      await new Promise<void>((resolve) => waiting.push(resolve));
      running--;
    },
  };
}

test('jobs run one at a time in the order added; a job already waiting or running is not added twice', async () => {
  const runner = manualRunner();
  const queue = new InProcessQueue(runner.run);
  await queue.nextChange(500); // idle: resolves at once
  await queue.add(job(1));
  await queue.add(job(2));
  await queue.add(job(1)); // running
  await queue.add(job(2)); // waiting
  await queue.add(job(1, 1));
  const idle = queue.nextChange(500);
  for (let i = 0; i < 3; i++) await runner.release();
  await idle;
  assert.deepEqual(runner.ran, ['{"instances":1}#0', '{"instances":2}#0', '{"instances":1}#1']);
  assert.equal(runner.mostAtOnce, 1);
  assert.equal(await queue.exhausted(job(1)), undefined, 'no retries here: nothing is ever exhausted');

  // Work that finished may be queued again (a retried failed trial's unit): it runs again.
  await queue.add(job(1));
  const again = queue.nextChange(500);
  await runner.release();
  await again;
  assert.deepEqual(runner.ran.slice(3), ['{"instances":1}#0']);
  await queue.close();
});

test('a job that throws ends the study: the rest is dropped and nextChange rejects with its error', async () => {
  const ran: string[] = [];
  const queue = new InProcessQueue(async (studyJob) => {
    ran.push(studyJob.kind);
    if (studyJob.kind === 'capacity') throw new Error('cannot measure the capacity of mnist-cnn');
  });
  await queue.add({ kind: 'capacity', studyId: 'demo', model: 'mnist-cnn', workload: 'mnist-digits' });
  await queue.add(job(1));
  await assert.rejects(queue.nextChange(500), /cannot measure the capacity of mnist-cnn/);
  await assert.rejects(queue.nextChange(500), /cannot measure the capacity of mnist-cnn/, 'and keeps rejecting');
  await queue.add(job(2));
  assert.deepEqual(ran, ['capacity'], 'nothing runs after the failure');
  await queue.close();
});

test('close waits for the running job and drops the waiting ones', async () => {
  const runner = manualRunner();
  const queue = new InProcessQueue(runner.run);
  await queue.add(job(1));
  await queue.add(job(2));
  let closed = false;
  const closing = queue.close().then(() => (closed = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(closed, false, 'the running job is waited for');
  await runner.release();
  await closing;
  assert.deepEqual(runner.ran, ['{"instances":1}#0']);
  await queue.add(job(3));
  await queue.nextChange(500);
  assert.equal(runner.ran.length, 1, 'a closed queue takes no job');
});
