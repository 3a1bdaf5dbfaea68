import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock, systemClock } from '../../../src/core/clock.js';
import type { Tensor } from '../../../src/core/tensor.js';
import { runLoad } from '../../../src/load/index.js';
import { generateSchedule } from '../../../src/load/schedule.js';
import { prepareRequestPool, type SampleSource } from '../../../src/load/request-pool.js';
import type { PreparedRequest } from '../../../src/targets/load-client.js';
import { drive, fakeClient } from '../../support/load/fake-client.js';

/** Distinct samples 0, 1, 2, … (each a fresh tensor list), cycling after `distinct` of them when given. */
function numberedSamples(distinct = Infinity): SampleSource & { drawn: number } {
  const lists = new Map<number, Tensor[]>();
  const source = {
    drawn: 0,
    next(): Tensor[] {
      const id = source.drawn++ % distinct;
      let list = lists.get(id);
      if (!list || distinct === Infinity) {
        list = [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: Float32Array.of(id, 0, 0, 0) }];
        lists.set(id, list);
      }
      return list;
    },
  };
  return source;
}

interface Numbered extends PreparedRequest {
  readonly id: number;
}

/** A client double that counts prepare() calls with the clock time of each, and records what each send carried. */
function countingClient(clock: VirtualClock) {
  const base = fakeClient(clock, () => 2);
  const prepareTimesMs: number[] = [];
  const sentIds: number[] = [];
  const client = {
    ...base,
    prepare(model: string, inputs: readonly Tensor[]): Numbered {
      prepareTimesMs.push(clock.nowMs());
      return { model, id: (inputs[0]!.data as Float32Array)[0]!, byteLength: 100 };
    },
    send(prepared: PreparedRequest, cancelToken?: Parameters<typeof base.send>[1]) {
      sentIds.push((prepared as Numbered).id);
      return base.send(prepared, cancelToken);
    },
  };
  return { client, prepareTimesMs, sentIds, sends: base.sends };
}

test('the request pool is encoded before the clock starts and the run cycles through its distinct samples', async () => {
  const clock = new VirtualClock(1000);
  const { client, prepareTimesMs, sentIds, sends } = countingClient(clock);
  const samples = numberedSamples();
  const summary = await drive(
    clock,
    runLoad({ model: 'm', client, samples, clock, pattern: 'constant', rateRps: 100, durationMs: 1000, warmupMs: 200, samplePoolSize: 8 }),
  );
  assert.equal(summary.requests, 100);
  assert.equal(prepareTimesMs.length, 8, 'one encoding per pooled sample, none per send');
  assert.equal(samples.drawn, 8);
  // The first send is the pre-flight probe, the second the first scheduled (warm-up) one.
  const firstScheduledMs = sends[1]!;
  assert.ok(prepareTimesMs.every((timeMs) => timeMs <= sends[0]! && timeMs < firstScheduledMs), `prepared at ${prepareTimesMs}`);
  const [, ...runIds] = sentIds;
  assert.equal(runIds.length, 120);
  assert.deepEqual(new Set(runIds), new Set([0, 1, 2, 3, 4, 5, 6, 7]));
  runIds.forEach((id, index) => assert.equal(id, (index + 1) % 8, `send ${index} carried sample ${id}`));
});

test('sampleCount overrides the pool size (e.g. one repeated request)', async () => {
  const clock = new VirtualClock();
  const { client, prepareTimesMs, sentIds } = countingClient(clock);
  await drive(clock, runLoad({ model: 'm', client, samples: numberedSamples(), clock, pattern: 'constant', rateRps: 50, durationMs: 200, warmupMs: 0, sampleCount: 1, samplePoolSize: 8 }));
  assert.equal(prepareTimesMs.length, 1);
  assert.deepEqual(new Set(sentIds), new Set([0]));
});

test('the pool is bounded by count and by encoded bytes, and holds at least one request', () => {
  const sized = (bytes: number) => ({ prepare: (model: string): PreparedRequest => ({ model, byteLength: bytes }) });
  assert.equal(prepareRequestPool(numberedSamples(), sized(100), 'm', { maxRequests: 5, maxBytes: 1e9 }).size, 5);
  const byBytes = prepareRequestPool(numberedSamples(), sized(100), 'm', { maxRequests: 50, maxBytes: 350 });
  assert.deepEqual({ size: byBytes.size, bytes: byBytes.bytes }, { size: 3, bytes: 300 });
  assert.equal(prepareRequestPool(numberedSamples(), sized(1000), 'm', { maxRequests: 50, maxBytes: 10 }).size, 1);
  // Without an encoded size the input tensors' bytes count: 4 FP32 values = 16 bytes.
  const bare = prepareRequestPool(numberedSamples(), { prepare: (model: string) => ({ model }) }, 'm', { maxRequests: 10, maxBytes: 40 });
  assert.deepEqual({ size: bare.size, bytes: bare.bytes }, { size: 2, bytes: 32 });
});

test('a source that cycles fills the pool with each distinct request once', () => {
  const prepared: number[] = [];
  const client = {
    prepare(model: string, inputs: readonly Tensor[]): Numbered {
      const id = (inputs[0]!.data as Float32Array)[0]!;
      prepared.push(id);
      return { model, id };
    },
  };
  const pool = prepareRequestPool(numberedSamples(3), client, 'm', { maxRequests: 10, maxBytes: 1e9 });
  assert.equal(pool.size, 3);
  assert.deepEqual(prepared, [0, 1, 2]);
  assert.deepEqual(
    Array.from({ length: 7 }, () => (pool.next() as Numbered).id),
    [0, 1, 2, 0, 1, 2, 0],
  );
});

test('the open loop sends each Poisson arrival exactly at its scheduled time on a virtual clock', async () => {
  const clock = new VirtualClock();
  let preciseSleeps = 0;
  const sleepUntilMs = clock.sleepUntilMs.bind(clock);
  clock.sleepUntilMs = (wakeAtMs: number) => {
    preciseSleeps++;
    return sleepUntilMs(wakeAtMs);
  };
  const { client, sends } = countingClient(clock);
  const pattern = { type: 'poisson', rateRps: 400 } as const;
  await drive(clock, runLoad({ model: 'm', client, samples: numberedSamples(), clock, pattern, durationMs: 1000, warmupMs: 250, seed: 9, samplePoolSize: 16 }), { stepMs: 0.25 });
  const { offsetsMs } = generateSchedule(pattern, { durationMs: 1000, warmupMs: 250, seed: 9 });
  const [, ...runSends] = sends;
  const startMs = runSends[0]! - offsetsMs[0]!;
  assert.equal(runSends.length, offsetsMs.length);
  runSends.forEach((sendMs, index) => assert.ok(Math.abs(sendMs - startMs - offsetsMs[index]!) < 1e-9, `send ${index} at ${sendMs - startMs}, due ${offsetsMs[index]}`));
  assert.ok(preciseSleeps > offsetsMs.length / 2, `${preciseSleeps} precise sleeps`);
});

test('the system clock never wakes a precise sleeper before its time (plain timers can fire early)', async () => {
  for (const durationMs of [0.05, 0.3, 0.9, 1.7, 2.5, 4.2, 0, -1]) {
    const wakeAtMs = systemClock.nowMs() + durationMs;
    await systemClock.sleepUntilMs!(wakeAtMs);
    const nowMs = systemClock.nowMs();
    assert.ok(nowMs >= wakeAtMs, `woke ${(wakeAtMs - nowMs).toFixed(3)} ms early for a ${durationMs} ms sleep`);
  }
  // Two sleepers at once: one takes the sleeper thread, the other polls; neither wakes early.
  const wakeTimesMs = [1.2, 0.6].map((durationMs) => systemClock.nowMs() + durationMs);
  const wokeMs = await Promise.all(wakeTimesMs.map((wakeAtMs) => systemClock.sleepUntilMs!(wakeAtMs).then(() => systemClock.nowMs())));
  wokeMs.forEach((nowMs, index) => assert.ok(nowMs >= wakeTimesMs[index]!, `concurrent sleeper ${index} woke early`));
});
