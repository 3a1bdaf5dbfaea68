import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { SERVER_TIMING_HEADERS } from '../../../src/core/target.js';
import { MODEL_PATHS, clsInput } from '../../support/server/fixtures/models.js';
import { writeTextSumModel } from '../../support/server/fixtures/text-model.js';
import { postJson, sample, startTestServer } from '../../support/server/support.js';

const clsBody = (rows: number, seed = 0) => ({ inputs: [{ name: 'x', shape: [rows, 3, 48, 192], datatype: 'FP32', data: Array.from(clsInput(rows, seed)) }] });
const nonZero = (distribution: Map<number, number>) => [...distribution].filter(([, count]) => count > 0);

test('the batch-size histogram follows the batcher settings (two models served side by side)', async (t) => {
  const server = await startTestServer(t, {
    models: [
      { name: 'single', path: MODEL_PATHS.cls },
      { name: 'batched', path: MODEL_PATHS.cls, config: { batching: { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 5_000_000 } } },
    ],
  });
  const fire = (model: string) => Promise.all(Array.from({ length: 8 }, (_, i) => postJson(`${server.httpUrl}/v2/models/${model}/infer`, clsBody(1, i))));
  const single = await fire('single');
  const batched = await fire('batched');
  assert.ok(single.every((reply) => reply.status === 200 && reply.headers.get(SERVER_TIMING_HEADERS.batchSize) === '1'));
  assert.ok(batched.every((reply) => reply.status === 200 && reply.headers.get(SERVER_TIMING_HEADERS.batchSize) === '8'));
  assert.deepEqual(nonZero(server.metrics.batchSize.distribution({ model: 'single' })), [[1, 8]]);
  assert.deepEqual(nonZero(server.metrics.batchSize.distribution({ model: 'batched' })), [[8, 1]]);
  // Each batched request gets its own rows back: equal to the same input run alone.
  batched.forEach((reply, i) => assert.ok(Math.abs(reply.json.outputs[0].data[0] - single[i]!.json.outputs[0].data[0]) < 1e-4));
});

test('the response cache answers a repeated input without running the model', async (t) => {
  const server = await startTestServer(t, { models: [{ name: 'cls', path: MODEL_PATHS.cls, config: { cache: { enabled: true, capacityMb: 1 } } }] });
  const url = `${server.httpUrl}/v2/models/cls/infer`;
  const first = await postJson(url, clsBody(1, 5));
  const second = await postJson(url, clsBody(1, 5));
  const other = await postJson(url, clsBody(1, 6));
  assert.equal(first.headers.get(SERVER_TIMING_HEADERS.cacheHit), 'miss');
  assert.equal(second.headers.get(SERVER_TIMING_HEADERS.cacheHit), 'hit');
  assert.equal(second.headers.get(SERVER_TIMING_HEADERS.computeUs), '0.0');
  assert.equal(other.headers.get(SERVER_TIMING_HEADERS.cacheHit), 'miss');
  assert.deepEqual(second.json.outputs, first.json.outputs);
  const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
  assert.equal(sample(metrics, 'servelab_cache_hits_total{model="cls"}'), 1);
  assert.equal(sample(metrics, 'servelab_cache_misses_total{model="cls"}'), 2);
  assert.ok(sample(metrics, 'servelab_cache_bytes{model="cls"}') > 0);
  assert.equal(sample(metrics, 'servelab_batch_size_count{model="cls"}'), 2, 'only the two misses ran');
});

test('instances=2 runs two requests at once; instances=1 never does', async (t) => {
  const server = await startTestServer(t, {
    defaults: { ort: { intraOpThreads: 1 } },
    models: [
      { name: 'one', path: MODEL_PATHS.cls, config: { instances: 1 } },
      { name: 'two', path: MODEL_PATHS.cls, config: { instances: 2 } },
    ],
  });
  for (const model of ['one', 'two']) {
    const replies = await Promise.all(Array.from({ length: 4 }, (_, i) => postJson(`${server.httpUrl}/v2/models/${model}/infer`, clsBody(16, i))));
    assert.ok(replies.every((reply) => reply.status === 200));
  }
  assert.deepEqual(nonZero(server.metrics.busyInstances.distribution({ model: 'one' })), [[1, 4]]);
  const two = server.metrics.busyInstances.distribution({ model: 'two' });
  assert.ok((two.get(2) ?? 0) >= 1, `expected a batch to start while another ran: ${JSON.stringify([...two])}`);
});

test('overload: a full queue sheds requests with 503 at once, the rest succeed', async (t) => {
  const server = await startTestServer(t, { models: [{ name: 'det', path: MODEL_PATHS.det, config: { ort: { intraOpThreads: 1 }, batching: { maxQueueSize: 2 }, admission: { maxQueueDelayMs: null } } }] });
  // Binary bodies parse in no time, so the requests reach the queue together while the detector is busy.
  const image = new Float32Array(3 * 256 * 256).fill(0.5);
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 256, 256], datatype: 'FP32', parameters: { binary_data_size: image.byteLength } }] }));
  const body = Buffer.concat([header, Buffer.from(image.buffer)]);
  const replies = await Promise.all(
    Array.from({ length: 16 }, async () => {
      const response = await fetch(`${server.httpUrl}/v2/models/det/infer`, { method: 'POST', headers: { 'inference-header-content-length': String(header.length) }, body });
      const text = Buffer.from(await response.arrayBuffer()).toString('latin1');
      return { status: response.status, text };
    }),
  );
  const statuses = replies.map((reply) => reply.status);
  assert.ok(statuses.every((status) => status === 200 || status === 503), statuses.join(','));
  assert.ok(statuses.includes(503), `some requests were shed: ${statuses.join(',')}`);
  assert.ok(statuses.includes(200));
  const shed = replies.find((reply) => reply.status === 503)!;
  assert.match(JSON.parse(shed.text).error, /queue full: 2 requests already waiting \(batching\.maxQueueSize\)/);
  const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
  assert.equal(sample(metrics, 'servelab_request_failures_total{model="det",reason="resource-exhausted"}'), statuses.filter((s) => s === 503).length);
  assert.equal(sample(metrics, 'servelab_queue_depth{model="det"}'), 0);
});

test('variable-length text inputs: padded to the longest, or batched only with equal lengths', async (t) => {
  const path = writeTextSumModel();
  const server = await startTestServer(t, {
    models: [
      { name: 'pad', path, config: { batching: { enabled: true, maxBatchSize: 3, maxQueueDelayUs: 5_000_000, variableLength: 'pad' } } },
      { name: 'equal', path, config: { batching: { enabled: true, maxBatchSize: 3, maxQueueDelayUs: 100_000, variableLength: 'equal-length' } } },
    ],
  });
  const sequences = [[5, 7], [1, 2, 3], [4, 4, 4]];
  const body = (ids: number[]) => ({
    inputs: [
      { name: 'input_ids', shape: [1, ids.length], datatype: 'INT64', data: ids },
      { name: 'attention_mask', shape: [1, ids.length], datatype: 'INT64', data: ids.map(() => 1) },
    ],
  });
  for (const model of ['pad', 'equal']) {
    const replies = await Promise.all(sequences.map((ids) => postJson(`${server.httpUrl}/v2/models/${model}/infer`, body(ids))));
    assert.deepEqual(replies.map((reply) => reply.json.outputs[0].data[0]), [12, 6, 12], `${model}: scores are exact`);
    const sizes = replies.map((reply) => reply.headers.get(SERVER_TIMING_HEADERS.batchSize));
    assert.deepEqual(sizes, model === 'pad' ? ['3', '3', '3'] : ['1', '2', '2']);
  }
});

test('stateful Silero VAD: batches along the state axis when the metadata names it, else runs unbatched', async (t) => {
  const server = await startTestServer(t, {
    models: [
      { name: 'vad', path: MODEL_PATHS.silero16k, config: { batching: { enabled: true, maxBatchSize: 3, maxQueueDelayUs: 5_000_000 } } },
      { name: 'vad-solo', path: MODEL_PATHS.silero16k },
      { name: 'vad6', path: MODEL_PATHS.sileroV6, config: { batching: { enabled: true } } },
      { name: 'vad6-axes', path: MODEL_PATHS.sileroV6, config: { batching: { enabled: true, maxBatchSize: 3, maxQueueDelayUs: 5_000_000 }, batchAxes: { state: 1, stateN: 1 } } },
    ],
  });
  const body = (seed: number) => ({
    inputs: [
      { name: 'input', shape: [1, 512], datatype: 'FP32', data: Array.from({ length: 512 }, (_, i) => Math.sin((i + 1) * (seed + 1) * 0.05) * 0.3) },
      { name: 'state', shape: [2, 1, 128], datatype: 'FP32', data: Array.from({ length: 256 }, (_, i) => ((i * (seed + 3)) % 17) / 40 - 0.2) },
      { name: 'sr', shape: [], datatype: 'INT64', data: [16000] },
    ],
  });
  const batched = await Promise.all([0, 1, 2].map((seed) => postJson(`${server.httpUrl}/v2/models/vad/infer`, body(seed))));
  assert.ok(batched.every((reply) => reply.headers.get(SERVER_TIMING_HEADERS.batchSize) === '3'));
  for (const seed of [0, 1, 2]) {
    const solo = await postJson(`${server.httpUrl}/v2/models/vad-solo/infer`, body(seed));
    for (const name of ['output', 'stateN']) {
      const a = batched[seed]!.json.outputs.find((o: { name: string }) => o.name === name);
      const b = solo.json.outputs.find((o: { name: string }) => o.name === name);
      assert.deepEqual(a.shape, b.shape);
      a.data.forEach((value: number, i: number) => assert.ok(Math.abs(value - b.data[i]) < 1e-4, `${name}[${i}] seed ${seed}`));
    }
  }
  const v6 = server.describe().applied.models.find((model) => model.name === 'vad6')!;
  assert.equal(v6.batchable, false);
  assert.equal(v6.requested.batching.enabled, true);
  assert.equal(v6.applied.batching.enabled, false);
  assert.match(v6.notes.join('\n'), /batching turned off: cannot tell the batch axis of input 'state'/);
  // With the batch axes given in the configuration, v6 batches along the state axis and matches unbatched runs.
  const v6Batched = await Promise.all([0, 1, 2].map((seed) => postJson(`${server.httpUrl}/v2/models/vad6-axes/infer`, body(seed))));
  for (const seed of [0, 1, 2]) {
    const solo = await postJson(`${server.httpUrl}/v2/models/vad6/infer`, body(seed));
    assert.equal(solo.status, 200);
    assert.equal(solo.headers.get(SERVER_TIMING_HEADERS.batchSize), '1');
    assert.equal(v6Batched[seed]!.headers.get(SERVER_TIMING_HEADERS.batchSize), '3');
    const a = v6Batched[seed]!.json.outputs.find((o: { name: string }) => o.name === 'stateN');
    const b = solo.json.outputs.find((o: { name: string }) => o.name === 'stateN');
    a.data.forEach((value: number, i: number) => assert.ok(Math.abs(value - b.data[i]) < 1e-4, `v6 stateN[${i}] seed ${seed}`));
  }
});

test('ORT thread knobs take effect: intra-op threads show up as threads of the process', async (t) => {
  const threads = () => readdirSync('/proc/self/task').length;
  const before = threads();
  const one = await startTestServer(t, { models: [{ name: 'cls', path: MODEL_PATHS.cls, config: { ort: { intraOpThreads: 1 } } }] });
  const withOne = threads() - before;
  await one.close();
  const baseline = threads();
  await startTestServer(t, { models: [{ name: 'cls', path: MODEL_PATHS.cls, config: { ort: { intraOpThreads: 4, interOpThreads: 2, executionMode: 'parallel' } } }] });
  const withFour = threads() - baseline;
  assert.ok(withFour >= withOne + 3, `threads: intra 1 -> +${withOne}, intra 4 + inter 2 -> +${withFour}`);
});

test('ORT execution mode: parallel with inter-op threads starts an inter-op pool, sequential does not', async (t) => {
  const threads = () => readdirSync('/proc/self/task').length;
  const started = async (executionMode: 'sequential' | 'parallel') => {
    const before = threads();
    const server = await startTestServer(t, { models: [{ name: 'cls', path: MODEL_PATHS.cls, config: { ort: { intraOpThreads: 1, interOpThreads: 3, executionMode } } }] });
    const added = threads() - before;
    await server.close();
    // A closed server's threads exit a moment later: count the next server only once they are gone.
    for (let waitedMs = 0; threads() > before && waitedMs < 5000; waitedMs += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return added;
  };
  const sequential = await started('sequential');
  const parallel = await started('parallel');
  assert.ok(parallel >= sequential + 2, `threads added: sequential +${sequential}, parallel +${parallel}`);
});

// The CPU it saves between requests is a measurement for a benchmark, not a test: this checks the knob is applied.
test('ort.allowSpinning: the model runs with the setting as applied, either way', async (t) => {
  for (const allowSpinning of [true, false]) {
    const server = await startTestServer(t, { models: [{ name: 'cls', path: MODEL_PATHS.cls, config: { ort: { allowSpinning } } }] });
    const reply = await postJson(`${server.httpUrl}/v2/models/cls/infer`, clsBody(1));
    assert.equal(reply.status, 200);
    assert.equal(server.describe().applied.models[0]!.applied.ort.allowSpinning, allowSpinning);
    await server.close();
  }
});
