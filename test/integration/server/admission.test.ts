import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { ServelabError } from '../../../src/core/errors.js';
import { decideAdmission, expectedQueueDelayMs, ServiceTimeEstimate } from '../../../src/server/admission.js';
import { DynamicBatcher } from '../../../src/server/batcher.js';
import { resolveModelConfig, DEFAULT_MODEL_CONFIG } from '../../../src/server/config.js';
import { MODEL_PATHS, clsInput } from '../../support/server/fixtures/models.js';
import { sample, startTestServer } from '../../support/server/support.js';

test('the service-time mean weighs samples by the time between them on the clock', async () => {
  const clock = new VirtualClock();
  const estimate = new ServiceTimeEstimate(clock);
  assert.equal(estimate.meanMs, null);
  estimate.observe(10);
  assert.equal(estimate.meanMs, 10);
  // A millisecond later a sample weighs about 1/1000.
  await clock.advanceMs(1);
  estimate.observe(20);
  assert.ok(estimate.meanMs! > 10 && estimate.meanMs! < 10.02, String(estimate.meanMs));
  // A second of 1 ms samples moves the mean most of the way (1 - 1/e).
  for (let i = 0; i < 1000; i++) {
    await clock.advanceMs(1);
    estimate.observe(20);
  }
  assert.ok(estimate.meanMs! > 16 && estimate.meanMs! < 17, String(estimate.meanMs));
  // After an idle minute the first new sample all but replaces it.
  await clock.advanceMs(60_000);
  estimate.observe(4);
  assert.ok(Math.abs(estimate.meanMs! - 4) < 1e-6, String(estimate.meanMs));
  // Samples in the same instant still count a little; nonsense samples are ignored.
  estimate.observe(1028);
  assert.ok(estimate.meanMs! > 4.5 && estimate.meanMs! < 6, String(estimate.meanMs));
  estimate.observe(Number.NaN);
  estimate.observe(-1);
  assert.ok(estimate.meanMs! > 4.5 && estimate.meanMs! < 6);
});

test('expected delay: queued batches, prefetched batches, half of each busy instance, over the instances', () => {
  const unbatched = { instances: 2, rowsPerBatch: null };
  assert.equal(expectedQueueDelayMs({ queuedRequests: 0, queuedRows: 0, runningBatches: 0, arrivingRows: 1 }, unbatched, 10), 0);
  assert.equal(expectedQueueDelayMs({ queuedRequests: 0, queuedRows: 0, runningBatches: 1, arrivingRows: 1 }, unbatched, 10), 2.5);
  // 2 busy (half each) + 1 prefetched + 4 queued = 6 batches of 10 ms over 2 instances.
  assert.equal(expectedQueueDelayMs({ queuedRequests: 4, queuedRows: 9, runningBatches: 3, arrivingRows: 1 }, unbatched, 10), 30);
  // Batching on, maxBatchSize 4: 9 queued rows make 2 full batches ahead, the arriving row joins the third...
  const batched = { instances: 1, rowsPerBatch: 4 };
  assert.equal(expectedQueueDelayMs({ queuedRequests: 4, queuedRows: 9, runningBatches: 2, arrivingRows: 1 }, batched, 10), (2 + 1 + 0.5) * 10);
  // ...4 arriving rows do not fit in it, so 3 batches are ahead; 8 queued rows fill exactly 2.
  assert.equal(expectedQueueDelayMs({ queuedRequests: 4, queuedRows: 9, runningBatches: 2, arrivingRows: 4 }, batched, 10), (3 + 1 + 0.5) * 10);
  assert.equal(expectedQueueDelayMs({ queuedRequests: 2, queuedRows: 8, runningBatches: 0, arrivingRows: 1 }, batched, 10), 20);
});

test('admission: admits without a bound or an estimate, sheds past the bound with the figures', () => {
  const ahead = { queuedRequests: 30, queuedRows: 30, runningBatches: 2, arrivingRows: 1 };
  const shape = { instances: 1, rowsPerBatch: null };
  assert.deepEqual(decideAdmission(ahead, shape, 10, null), { admit: true });
  assert.deepEqual(decideAdmission(ahead, shape, 10, 0), { admit: true });
  assert.deepEqual(decideAdmission(ahead, shape, null, 100), { admit: true });
  assert.deepEqual(decideAdmission(ahead, shape, 10, 400), { admit: true });
  assert.deepEqual(decideAdmission(ahead, shape, 10, 300), { admit: false, expectedDelayMs: 315, maxQueueDelayMs: 300, serviceMs: 10 });
});

/**
 * A virtual-time overload: one instance, 10 ms per request (capacity 100 req/s), batching off, a request every
 * 5 ms (2x capacity) for 4 s. Without admission the queue fills to maxQueueSize and waits grow to seconds;
 * with a 100 ms bound about half is shed at arrival, the instance never idles, and every admitted request
 * starts within the bound plus one service time.
 */
async function simulateOverload(maxQueueDelayMs: number | null) {
  const serviceMs = 10;
  const clock = new VirtualClock();
  const estimate = new ServiceTimeEstimate(clock);
  const waitsMs: number[] = [];
  let completed = 0;
  let instanceFreeAtMs = 0;
  const batcher = new DynamicBatcher<{ batchSize: number; groupKey: string; arrivedMs: number }>(
    { enabled: false, maxBatchSize: 1, maxQueueDelayUs: 0, preferredBatchSizes: [], maxQueueSize: 256, concurrency: 1, prefetch: 1 },
    clock,
    async (batch) => {
      // A prefetched batch waits at its instance until the one before it is answered (as a session worker does).
      const startedMs = Math.max(clock.nowMs(), instanceFreeAtMs);
      instanceFreeAtMs = startedMs + serviceMs;
      waitsMs.push(startedMs - batch[0]!.arrivedMs);
      await clock.sleepMs(instanceFreeAtMs - clock.nowMs());
      estimate.observe(clock.nowMs() - startedMs);
      completed++;
    },
  );
  let shed = 0;
  let queueFull = 0;
  for (let arrival = 0; arrival < 800; arrival++) {
    const ahead = { queuedRequests: batcher.queueDepth, queuedRows: batcher.queuedRows, runningBatches: batcher.running, arrivingRows: 1 };
    const decision = decideAdmission(ahead, { instances: 1, rowsPerBatch: null }, estimate.meanMs, maxQueueDelayMs);
    if (!decision.admit) shed++;
    else {
      try {
        batcher.submit({ batchSize: 1, groupKey: '', arrivedMs: clock.nowMs() });
      } catch (error) {
        assert.equal((error as ServelabError).code, 'resource-exhausted');
        queueFull++;
      }
    }
    await clock.advanceMs(5);
  }
  return { waitsMs, completed, shed, queueFull, durationMs: clock.nowMs() };
}

test('on virtual time at 2x capacity, admission keeps goodput at capacity and every admitted wait within the bound', async () => {
  const on = await simulateOverload(100);
  assert.ok(on.shed >= 350 && on.shed <= 420, `shed ${on.shed} of 800`);
  assert.equal(on.queueFull, 0);
  assert.ok(on.completed >= 0.95 * (on.durationMs / 10), `completed ${on.completed} in ${on.durationMs} ms`);
  assert.ok(Math.max(...on.waitsMs) <= 100 + 10, `max wait ${Math.max(...on.waitsMs)} ms`);

  const off = await simulateOverload(null);
  assert.equal(off.shed, 0);
  assert.ok(off.queueFull > 100, 'without admission only the queue length bound sheds');
  assert.ok(Math.max(...off.waitsMs) > 1000, `max wait ${Math.max(...off.waitsMs)} ms`);
});

test('config: admission.maxQueueDelayMs has a default, takes null or 0 to turn it off, rejects negatives', () => {
  assert.equal(DEFAULT_MODEL_CONFIG.admission.maxQueueDelayMs, 500);
  assert.equal(resolveModelConfig({ admission: { maxQueueDelayMs: null } }).admission.maxQueueDelayMs, null);
  assert.equal(resolveModelConfig({ admission: { maxQueueDelayMs: 0 } }, {}).admission.maxQueueDelayMs, 0);
  assert.throws(() => resolveModelConfig({ admission: { maxQueueDelayMs: -5 } }), /admission\.maxQueueDelayMs/);
  assert.throws(() => resolveModelConfig({ admission: { maxQueueMs: 5 } } as never), /admission/);
});

interface Reply {
  readonly status: number;
  readonly connection: string | null;
  readonly text: string;
}

/** One request in KServe JSON or binary tensor form. */
async function inferCls(url: string, binary: boolean): Promise<Reply> {
  const data = clsInput(1);
  const tensor = { name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32' };
  let init: RequestInit;
  if (binary) {
    const header = Buffer.from(JSON.stringify({ inputs: [{ ...tensor, parameters: { binary_data_size: data.byteLength } }] }));
    init = { method: 'POST', headers: { 'inference-header-content-length': String(header.length) }, body: Buffer.concat([header, Buffer.from(data.buffer)]) };
  } else {
    init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [{ ...tensor, data: Array.from(data) }] }) };
  }
  const response = await fetch(url, init);
  return { status: response.status, connection: response.headers.get('connection'), text: Buffer.from(await response.arrayBuffer()).toString('latin1') };
}

test('a server under a burst sheds with 503 naming the expected delay and the bound; with admission off it queues', async (t) => {
  const burst = async (maxQueueDelayMs: number | null, binary: boolean) => {
    const server = await startTestServer(t, { models: [{ name: 'cls', path: MODEL_PATHS.cls, config: { admission: { maxQueueDelayMs }, ort: { intraOpThreads: 1 } } }] });
    const url = `${server.httpUrl}/v2/models/cls/infer`;
    // The first answer gives the model its service-time estimate.
    assert.equal((await inferCls(url, binary)).status, 200);
    const replies = await Promise.all(Array.from({ length: 40 }, () => inferCls(url, binary)));
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    return { replies, metrics, shed: replies.filter((reply) => reply.status === 503) };
  };
  for (const binary of [true, false]) {
    const on = await burst(0.5, binary);
    assert.ok(on.shed.length > 0, 'some requests of the burst are shed');
    assert.ok(on.replies.some((reply) => reply.status === 200), 'the requests ahead are served');
    assert.ok(on.replies.every((reply) => reply.status === 200 || reply.status === 503));
    assert.match(on.shed[0]!.text, /expected queueing delay [\d.]+ ms exceeds admission\.maxQueueDelayMs 0\.5 ms/);
    assert.equal(sample(on.metrics, 'servelab_requests_shed_total{model="cls",reason="expected-delay"}'), on.shed.length);
    assert.ok(sample(on.metrics, 'servelab_batch_service_seconds{model="cls"}') > 0);
    // A binary body is cheap to read, so it is shed once read and the client keeps its connection.
    if (binary) for (const reply of on.shed) assert.notEqual(reply.connection, 'close');
  }

  const off = await burst(null, true);
  assert.ok(off.replies.every((reply) => reply.status === 200), 'admission off: the queue (256) holds the whole burst');
});
