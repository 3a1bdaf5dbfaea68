import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serveConfigFromOptions } from '../../../src/cli/commands/serve.js';
import { MODEL_PATHS, clsInput } from '../../support/server/fixtures/models.js';
import { writeTextSumModel } from '../../support/server/fixtures/text-model.js';
import { trickleGrpcCall, trickleHttpBody } from '../../support/server/fixtures/trickle-clients.js';
import { runServelab, startServelab } from '../../support/cli.js';
import { postJson } from '../../support/server/support.js';

function modelRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-repo-'));
  mkdirSync(join(dir, 'cls'));
  copyFileSync(MODEL_PATHS.cls, join(dir, 'cls', 'model.onnx'));
  writeFileSync(join(dir, 'cls', 'config.yaml'), 'batching:\n  enabled: true\n  maxBatchSize: 64\ninstances: 1\n');
  mkdirSync(join(dir, 'text', '1'), { recursive: true });
  writeTextSumModel(join(dir, 'text', '1'));
  copyFileSync(join(dir, 'text', '1', 'text-sum.onnx'), join(dir, 'text', '1', 'model.onnx'));
  return dir;
}

test('servelab serve: one ready line, a model repository, and a clean drain on SIGTERM', async (t) => {
  const repository = modelRepository();
  const cli = startServelab(['serve', '--model-repository', repository, '--port', '0', '--grpc-port', '0']);
  t.after(() => cli.stop());
  const line = await cli.waitForLine(/.*/);
  const match = /^ready (\{.*\})$/.exec(line);
  assert.ok(match, line);
  const ready = JSON.parse(match[1]!) as { http: string; grpc: string; models: string[]; startupMs: number };
  assert.deepEqual(ready.models, ['cls', 'text']);
  assert.match(ready.http, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(ready.grpc, /^127\.0\.0\.1:\d+$/);
  assert.ok(ready.startupMs > 0);

  const text = await postJson(`${ready.http}/v2/models/text/infer`, {
    inputs: [
      { name: 'input_ids', shape: [1, 3], datatype: 'INT64', data: [1, 2, 3] },
      { name: 'attention_mask', shape: [1, 3], datatype: 'INT64', data: [1, 1, 0] },
    ],
  });
  assert.deepEqual(text.json.outputs[0].data, [3]);

  // A slow request in flight when SIGTERM arrives still completes.
  const slow = postJson(`${ready.http}/v2/models/cls/infer`, { inputs: [{ name: 'x', shape: [48, 3, 48, 192], datatype: 'FP32', data: Array.from(clsInput(48)) }] });
  // Wait until the server is working on it (parsed and queued or running), then ask it to stop.
  for (let attempt = 0; attempt < 200; attempt++) {
    const metrics = await (await fetch(`${ready.http}/metrics`)).text();
    if (/servelab_in_flight_requests\{model="cls"\} 1/.test(metrics)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  cli.child.kill('SIGTERM');
  const reply = await slow;
  assert.equal(reply.status, 200);
  assert.equal(reply.json.outputs[0].shape[0], 48);
  assert.equal((await cli.exited).code, 0);
  const { stdout, stderr } = cli.output();
  assert.equal(stdout.trim().split('\n').length, 1, 'stdout holds only the ready line');
  assert.match(stderr, /SIGTERM: draining/);
  await assert.rejects(fetch(`${ready.http}/v2/health/live`), 'no longer listening');
});

test('servelab serve --print-config shows requested beside applied for a zoo model; flags override the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-config-'));
  const configPath = join(dir, 'server.yaml');
  writeFileSync(configPath, `httpPort: 9999\ndefaults:\n  batching:\n    enabled: true\nmodels:\n  - name: silero-vad\n`);
  const cli = await runServelab(['serve', '--config', configPath, '--port', '0', '--print-config']);
  assert.equal(cli.code, 0, cli.stderr);
  const printed = JSON.parse(cli.stdout) as { requested: any; applied: any };
  assert.equal(printed.requested.httpPort, 0);
  assert.equal(printed.requested.defaults.batching.enabled, true);
  const vad = printed.applied.models[0];
  assert.equal(vad.name, 'silero-vad');
  assert.match(vad.path, /silero_vad\.onnx$/);
  assert.equal(vad.requested.batching.enabled, true);
  assert.equal(vad.applied.batching.enabled, false);
  assert.match(vad.notes.join(' '), /batching turned off/);
});

test('servelab serve reports every configuration problem, or an unknown model, and exits 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'servelab-config-'));
  const configPath = join(dir, 'server.yaml');
  writeFileSync(configPath, 'defaults:\n  batching:\n    maxBatchSize: 0\n  instancez: 2\n');
  const bad = await runServelab(['serve', '--config', configPath, '--models', MODEL_PATHS.cls]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /defaults\.batching\.maxBatchSize/);
  assert.match(bad.stderr, /instancez/);
  const missing = await runServelab(['serve', '--models', '/nonexistent/model.onnx', '--port', '0', '--grpc-port', '0']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^servelab: model file '\/nonexistent\/model\.onnx' for model 'model' does not exist\n$/);
});

test('servelab serve --drain-timeout: after SIGTERM, clients that never finish are cut off at the deadline and the process exits 0', async (t) => {
  const cli = startServelab(['serve', '--models', MODEL_PATHS.cls, '--port', '0', '--grpc-port', '0', '--drain-timeout', '0.2']);
  t.after(() => cli.stop());
  const ready = JSON.parse(/^ready (\{.*\})$/.exec(await cli.waitForLine(/.*/))![1]!) as { http: string; grpc: string };
  const http = await trickleHttpBody(ready.http, '/v2/models/cls/infer', 1_000_000);
  const grpc = await trickleGrpcCall(ready.grpc);
  t.after(() => {
    http.stop();
    grpc.stop();
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  cli.child.kill('SIGTERM');
  // Without the deadline this process stayed up for minutes; the bound is generous for a slow machine.
  const code = await Promise.race([cli.exited.then((exit) => exit.code), new Promise<string>((resolve) => setTimeout(() => resolve('still running after 20 s'), 20_000))]);
  assert.equal(code, 0, cli.output().stderr);
  assert.match(cli.output().stderr, /SIGTERM: draining in-flight requests \(deadline 0\.2 s\)/);
  assert.match(cli.output().stderr, /drain deadline of 200 ms passed: closing the connections still open/);
  await http.closed;
});

test('servelab serve limit flags: byte counts with binary multiples, seconds or durations, every bad value named', () => {
  const config = serveConfigFromOptions({
    maxBodyBytes: '8M',
    maxInflightBodyBytes: '1GiB',
    maxRequestBatchSize: '64',
    maxRequestTensorBytes: '1048576',
    drainTimeout: '0.5',
  });
  assert.equal(config.maxBodyBytes, 8 * 1024 * 1024);
  assert.equal(config.maxInFlightBodyBytes, 1024 ** 3);
  assert.equal(config.maxRequestBatchSize, 64);
  assert.equal(config.maxRequestTensorBytes, 1024 * 1024);
  assert.equal(config.drainTimeoutMs, 500);
  assert.equal(serveConfigFromOptions({ drainTimeout: '250ms' }).drainTimeoutMs, 250);
  const defaults = serveConfigFromOptions({});
  assert.equal(defaults.drainTimeoutMs, 30_000);
  assert.equal(defaults.maxInFlightBodyBytes, 256 * 1024 * 1024);
  assert.throws(() => serveConfigFromOptions({ maxBodyBytes: 'lots' }), /--max-body-bytes must be a byte count such as 1048576, 64M or 256MiB, but got 'lots'/);
  assert.throws(() => serveConfigFromOptions({ maxRequestBatchSize: '0' }), /--max-request-batch-size must be a positive integer, but got '0'/);
  assert.throws(() => serveConfigFromOptions({ drainTimeout: 'soon' }), /--drain-timeout \(seconds, or a duration such as 500ms\): expected a duration/);
  assert.throws(() => serveConfigFromOptions({ maxBodyBytes: '512M' }), /maxInFlightBodyBytes: must be >= maxBodyBytes \(536870912\)/);
});
