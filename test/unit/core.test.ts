import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/random.js';
import { VirtualClock } from '../../src/core/clock.js';
import { parseDurationMs } from '../../src/core/duration.js';
import { configurationKey } from '../../src/core/space.js';
import { shapeFits } from '../../src/core/tensor.js';
import { startWorker } from '../../src/core/worker.js';

test('rng streams are reproducible and independent', () => {
  const a = createRng(42, 'schedule');
  const b = createRng(42, 'schedule');
  const c = createRng(42, 'samples');
  const seqA = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(seqA, Array.from({ length: 5 }, () => b.next()));
  assert.notDeepEqual(seqA, Array.from({ length: 5 }, () => c.next()));
  const rng = createRng(1);
  const draws = Array.from({ length: 20000 }, () => rng.exponential(4));
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  assert.ok(Math.abs(mean - 0.25) < 0.01, `exponential mean ${mean}`);
});

test('virtual clock wakes sleepers in time order', async () => {
  const clock = new VirtualClock();
  const woke: number[] = [];
  void clock.sleepMs(20).then(() => woke.push(clock.nowMs()));
  void clock.sleepMs(5).then(() => woke.push(clock.nowMs()));
  await clock.advanceMs(10);
  assert.deepEqual(woke, [5]);
  await clock.advanceMs(20);
  assert.deepEqual(woke, [5, 20]);
  assert.equal(clock.nowMs(), 30);
});

test('durations parse with units and reject garbage', () => {
  assert.equal(parseDurationMs('30s'), 30_000);
  assert.equal(parseDurationMs('250ms'), 250);
  assert.equal(parseDurationMs('2m'), 120_000);
  assert.throws(() => parseDurationMs('soon'), /expected a duration/);
});

test('configuration keys ignore key order; shapes fit dynamic axes', () => {
  assert.equal(configurationKey({ b: 1, a: 'x' }), configurationKey({ a: 'x', b: 1 }));
  assert.ok(shapeFits([8, 3, 224, 224], [-1, 3, 224, 224]));
  assert.ok(!shapeFits([8, 1, 224, 224], [-1, 3, 224, 224]));
});

test('a TypeScript worker thread starts from sources', async () => {
  const worker = startWorker(new URL('../fixtures/echo-worker.ts', import.meta.url), { workerData: 20 });
  const reply = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.equal(reply, 21);
});

test('every seed gets its own stream, single digits included', () => {
  const firsts = Array.from({ length: 20 }, (_, seed) => createRng(seed, 'schedule').next());
  assert.equal(new Set(firsts).size, 20);
});
