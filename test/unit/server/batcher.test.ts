import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { ServelabError } from '../../../src/core/errors.js';
import { DynamicBatcher, type BatcherOptions } from '../../../src/server/batcher.js';

interface Item {
  readonly id: number;
  readonly batchSize: number;
  readonly groupKey: string;
}

function harness(options: Partial<BatcherOptions>) {
  const clock = new VirtualClock();
  const dispatched: { ids: number[]; queuedMs: number[]; batchingMs: number[] }[] = [];
  const finishers: (() => void)[] = [];
  const batcher = new DynamicBatcher<Item>(
    { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 0, preferredBatchSizes: [], maxQueueSize: 100, concurrency: 1, ...options },
    clock,
    (batch, waits) => {
      dispatched.push({ ids: batch.map((item) => item.id), queuedMs: waits.map((wait) => wait.queuedMs), batchingMs: waits.map((wait) => wait.batchingMs) });
      return new Promise<void>((resolve) => finishers.push(resolve));
    },
  );
  let next = 0;
  const submit = (batchSize = 1, groupKey = '') => batcher.submit({ id: next++, batchSize, groupKey });
  const finishOne = async () => {
    finishers.shift()?.();
    await clock.advanceMs(0);
  };
  return { clock, batcher, dispatched, submit, finishOne };
}

test('with zero delay the batcher dispatches at once and batches what queued behind a busy instance', async () => {
  const h = harness({ maxQueueDelayUs: 0 });
  h.submit();
  h.submit();
  h.submit();
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0]]);
  await h.finishOne();
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0], [1, 2]]);
});

test('a queue delay holds a partial batch until the oldest request has waited maxQueueDelayUs', async () => {
  const h = harness({ maxQueueDelayUs: 5000 });
  h.submit();
  await h.clock.advanceMs(2);
  h.submit();
  assert.equal(h.dispatched.length, 0);
  await h.clock.advanceMs(2.9);
  assert.equal(h.dispatched.length, 0);
  await h.clock.advanceMs(0.2);
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0, 1]]);
  assert.deepEqual(h.dispatched[0]!.queuedMs.map((ms) => Math.round(ms * 10) / 10), [5, 3]);
  // The instance was free all along: every bit of that wait was spent filling the batch.
  assert.deepEqual(h.dispatched[0]!.batchingMs.map((ms) => Math.round(ms * 10) / 10), [5, 3]);
});

test('waiting for a busy instance is queueing, not batching wait', async () => {
  const h = harness({ enabled: false });
  h.submit();
  h.submit();
  await h.clock.advanceMs(7);
  await h.finishOne();
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0], [1]]);
  assert.equal(Math.round(h.dispatched[1]!.queuedMs[0]! * 10) / 10, 7);
  assert.equal(h.dispatched[1]!.batchingMs[0], 0);
});

test('a request that waits first for a busy instance and then for its batch to fill counts only the second as batching wait', async () => {
  const h = harness({ maxQueueDelayUs: 4000 });
  h.submit();
  await h.clock.advanceMs(4);
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0]]);
  h.submit();
  await h.clock.advanceMs(3);
  await h.finishOne(); // the instance frees after 3 ms; request 1 is 3 ms old and waits 1 ms more for its window
  assert.equal(h.dispatched.length, 1);
  await h.clock.advanceMs(1);
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0], [1]]);
  assert.equal(Math.round(h.dispatched[1]!.queuedMs[0]! * 10) / 10, 4);
  assert.equal(Math.round(h.dispatched[1]!.batchingMs[0]! * 10) / 10, 1);
});

test('a full batch (maxBatchSize rows) goes at once without waiting for the delay', async () => {
  const h = harness({ maxQueueDelayUs: 1_000_000, maxBatchSize: 4 });
  h.submit(2);
  h.submit(1);
  assert.equal(h.dispatched.length, 0);
  h.submit(1);
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0, 1, 2]]);
  h.submit(3);
  h.submit(3);
  await h.finishOne();
  assert.deepEqual(h.dispatched.at(-1)!.ids, [3], 'a request that would overflow maxBatchSize waits for the next batch');
});

test('a preferred batch size is dispatched as soon as it can be formed', async () => {
  const h = harness({ maxQueueDelayUs: 1_000_000, maxBatchSize: 8, preferredBatchSizes: [2, 4] });
  h.submit();
  assert.equal(h.dispatched.length, 0);
  h.submit();
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0, 1]]);
});

test('requests of different groups are never batched together', async () => {
  const h = harness({ maxQueueDelayUs: 0, concurrency: 1 });
  h.submit(1, 'a');
  h.submit(1, 'b');
  h.submit(1, 'a');
  h.submit(1, 'b');
  await h.finishOne();
  await h.finishOne();
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0], [1, 3], [2]]);
});

test('batching off runs every request alone; concurrency bounds running batches', async () => {
  const h = harness({ enabled: false, concurrency: 2 });
  for (let i = 0; i < 4; i++) h.submit();
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0], [1]]);
  assert.equal(h.batcher.running, 2);
  assert.equal(h.batcher.queueDepth, 2);
  await h.finishOne();
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0], [1], [2]]);
});

test('with prefetch, a full batch waits at a busy instance while a partial one keeps filling in the queue', async () => {
  const h = harness({ maxQueueDelayUs: 1_000_000, maxBatchSize: 2, concurrency: 1, prefetch: 1 });
  h.submit();
  h.submit();
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0, 1]]);
  h.submit();
  assert.equal(h.dispatched.length, 1, 'a partial batch is not prefetched');
  h.submit();
  assert.deepEqual(h.dispatched.map((d) => d.ids), [[0, 1], [2, 3]], 'a full batch is');
  h.submit();
  h.submit();
  assert.equal(h.dispatched.length, 2, 'concurrency + prefetch bounds outstanding batches');
  await h.finishOne();
  assert.deepEqual(h.dispatched.at(-1)!.ids, [4, 5]);
});

test('a full queue rejects at once with resource-exhausted and stays bounded', async () => {
  const h = harness({ enabled: false, maxQueueSize: 2 });
  h.submit();
  h.submit();
  h.submit();
  assert.throws(() => h.submit(), (error: unknown) => error instanceof ServelabError && error.code === 'resource-exhausted' && /queue full: 2 requests/.test(error.message));
  assert.equal(h.batcher.queueDepth, 2);
  await h.finishOne();
  h.submit();
  assert.equal(h.batcher.queueDepth, 2);
});

test('idle() resolves once everything queued and running has finished', async () => {
  const h = harness({ enabled: false });
  h.submit();
  h.submit();
  let idle = false;
  void h.batcher.idle().then(() => (idle = true));
  await h.finishOne();
  assert.equal(idle, false);
  await h.finishOne();
  assert.equal(idle, true);
});
