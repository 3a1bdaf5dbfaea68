/**
 * Every inference response is checked before it counts as a success: status, a decodable body, and outputs
 * named, typed and shaped as the model's metadata declares. A failing response is a 'bad-response' error that
 * says what was wrong; a probe request that gets one stops the run before any load.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { runLoad } from '../../../src/load/index.js';
import { LoadRecorder } from '../../../src/load/recorder.js';
import { createClient } from '../../../src/targets/index.js';
import { checkOutputs, type ExpectedOutput, type OutputFacts } from '../../../src/targets/response-check.js';
import { startStubTarget, STUB_MODEL, stubSamples } from '../../support/load/stub-target.js';

const isBadResponse = (pattern: RegExp) => (error: Error & { kind?: string }) => {
  assert.equal(error.kind, 'bad-response', error.message);
  assert.match(error.message, pattern);
  return true;
};

test('checkOutputs accepts outputs as declared and names the first problem otherwise', () => {
  const declared: ExpectedOutput[] = [
    { name: 'y', datatype: 'FP32', shape: [-1, 4] },
    { name: 'z', datatype: 'INT64', shape: [-1] },
  ];
  const y: OutputFacts = { name: 'y', datatype: 'FP32', shape: [2, 4], valueCount: 8 };
  const z: OutputFacts = { name: 'z', datatype: 'INT64', shape: [2], byteLength: 16 };
  checkOutputs([y, z], declared);
  checkOutputs([z, y], declared);
  checkOutputs([y], undefined);
  checkOutputs([{ name: 'y', shape: [2, 4] }], [{ name: 'y', datatype: 'FP32', shape: null }]);

  const cases: [OutputFacts[], ExpectedOutput[] | undefined, RegExp][] = [
    [[], declared, /^the response has no outputs$/],
    [[{ ...y, name: 'w' }, z], declared, /^output 'w' is not an output of the model \(it declares 'y', 'z'\)$/],
    [[{ ...y, datatype: 'FP64' }, z], declared, /^output 'y' is FP64 where the model declares FP32$/],
    [[{ ...y, shape: [2, 3], valueCount: 6 }, z], declared, /^output 'y' has shape \[2, 3\] where the model declares \[-1, 4\]$/],
    [[{ ...y, shape: [8], valueCount: 8 }, z], declared, /^output 'y' has shape \[8\] where the model declares \[-1, 4\]$/],
    [[y], declared, /^the response lacks output 'z' that the model declares$/],
    [[{ ...y, valueCount: 7 }], undefined, /^output 'y' holds 7 values where its shape \[2, 4\] needs 8$/],
    [[{ ...z, byteLength: 12 }], undefined, /^output 'z' has 12 bytes where INT64 \[2\] takes 16$/],
    [[y, y], undefined, /^output 'y' appears twice$/],
    [[{ ...y, datatype: 'FLOAT' }], undefined, /^output 'y' has datatype "FLOAT", not a KServe v2 datatype$/],
    [[{ ...y, shape: [2, -1] }], undefined, /^output 'y' has shape \[2,-1\], not a list of sizes$/],
    [[{ ...y, name: 3 }], undefined, /^output 0 has no name$/],
  ];
  for (const [outputs, expected, pattern] of cases) assert.throws(() => checkOutputs(outputs, expected), isBadResponse(pattern));
});

test('a server answering 200 with HTML fails the probe request with a bad-response message', async (t) => {
  const stub = await startStubTarget({ replyOverride: () => ({ contentType: 'text/html', body: '<html><body>Gateway says hello</body></html>' }) });
  t.after(() => stub.close());
  await assert.rejects(
    runLoad({ target: stub.url, protocol: 'kserve-http', model: STUB_MODEL, samples: stubSamples(), pattern: 'closed', concurrency: 1, durationMs: 300, warmupMs: 0 }),
    (error: Error) => {
      assert.equal(error.name, 'ServelabError');
      assert.match(error.message, /^the target answered a probe request for model 'echo' on http:\/\/127\.0\.0\.1:\d+: the response is not KServe v2 JSON \(.*content-type text\/html\): "<html><body>Gateway/);
      return true;
    },
  );
  assert.equal(stub.requests, 1, 'only the probe was sent');
});

test('responses that turn bad during a run are bad-response errors with their first message, and the run is INVALID', async (t) => {
  const wrongShape = JSON.stringify({ model_name: STUB_MODEL, outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }] });
  // The probe (request 1) is answered properly; afterwards every third answer has the wrong shape.
  const stub = await startStubTarget({ replyOverride: (request) => (request > 1 && request % 3 === 0 ? { contentType: 'application/json', body: wrongShape } : undefined) });
  t.after(() => stub.close());
  const summary = await runLoad({ target: stub.url, protocol: 'kserve-http', model: STUB_MODEL, samples: stubSamples(), pattern: 'closed', concurrency: 2, durationMs: 400, warmupMs: 0 });
  const bad = summary.errors.byKind['bad-response'] ?? 0;
  assert.ok(bad > 0, JSON.stringify(summary.errors));
  assert.ok(summary.completed > bad, `${summary.completed} completed, ${bad} bad`);
  assert.equal(summary.errors.total, bad);
  assert.equal(summary.errors.examples?.['bad-response'], "output 'y' has shape [1, 3] where the model declares [-1, 4]");
  assert.equal(summary.valid, false);
  assert.ok(summary.reasons.some((reason) => reason.code === 'error-rate' && /^error rate .* exceeds/.test(reason.message)), JSON.stringify(summary.reasons));
});

type Reply = { status?: number; headers?: Record<string, string>; body: string | Buffer };

/** A one-route-per-path HTTP server for client tests; replies come from `route`. */
async function httpServer(t: TestContext, route: (request: IncomingMessage) => Reply): Promise<string> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      const reply = route(request);
      response.writeHead(reply.status ?? 200, { 'content-length': Buffer.byteLength(reply.body), ...reply.headers });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const INPUT = [{ name: 'x', datatype: 'FP32' as const, shape: [1, 4], data: new Float32Array(4) }];

test('kserve-http-binary: the binary outputs must have the byte length their header and shape say', async (t) => {
  let infer: Reply = { body: '' };
  const binaryReply = (declaredBytes: number, sentBytes: number): Reply => {
    const header = Buffer.from(JSON.stringify({ outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: declaredBytes } }] }));
    return { headers: { 'inference-header-content-length': String(header.length) }, body: Buffer.concat([header, Buffer.alloc(sentBytes)]) };
  };
  const url = await httpServer(t, (request) => {
    if (request.url === `/v2/models/${STUB_MODEL}`) {
      return { body: JSON.stringify({ name: STUB_MODEL, inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }], outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 4] }] }) };
    }
    return infer;
  });
  const client = createClient('kserve-http-binary', url);
  t.after(() => client.close());
  await client.metadata(STUB_MODEL);

  infer = binaryReply(16, 16);
  const result = await client.infer(STUB_MODEL, INPUT);
  assert.deepEqual(Array.from(result.outputs[0]!.data as Float32Array), [0, 0, 0, 0]);
  infer = binaryReply(12, 12);
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^output 'y' has 12 bytes where FP32 \[1, 4\] takes 16$/));
  infer = binaryReply(16, 12);
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^binary outputs declare 16 bytes but the body holds 12 after its JSON header$/));
  infer = { body: JSON.stringify({ model_name: STUB_MODEL }) };
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^the response has no "outputs" list: "\{\\"model_name/));
  infer = { status: 204, body: '' };
  await assert.rejects(client.infer(STUB_MODEL, INPUT), (error: Error & { kind?: string }) => error.kind === 'http-204');
});

test('tfserving-http: predict outputs must be the signature outputs, nested to their declared rank', async (t) => {
  let predict: Reply = { body: '' };
  const url = await httpServer(t, (request) => {
    if (request.url === `/v1/models/${STUB_MODEL}/metadata`) {
      const tensor = (dtype: string, dims: number[]) => ({ dtype, tensor_shape: { dim: dims.map((size) => ({ size: String(size) })) } });
      const signature = { inputs: { x: tensor('DT_FLOAT', [-1, 4]) }, outputs: { probs: tensor('DT_FLOAT', [-1, 2]), label: tensor('DT_INT64', [-1]) } };
      return { body: JSON.stringify({ model_spec: { name: STUB_MODEL, version: '1' }, metadata: { signature_def: { signature_def: { serving_default: signature } } } }) };
    }
    return predict;
  });
  const client = createClient('tfserving-http', url);
  t.after(() => client.close());
  await client.metadata(STUB_MODEL);

  predict = { body: JSON.stringify({ outputs: { probs: [[0.25, 0.75]], label: [1] } }) };
  const result = await client.infer(STUB_MODEL, INPUT);
  assert.deepEqual(
    result.outputs.map((output) => [output.name, output.datatype, output.shape]),
    [
      ['probs', 'FP32', [1, 2]],
      ['label', 'INT64', [1]],
    ],
  );
  predict = { body: JSON.stringify({ outputs: [[0.25, 0.75]] }) };
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^the predict response has one unnamed output where the model declares 2$/));
  predict = { body: JSON.stringify({ outputs: { probs: [[0.25, 0.75]], labels: [1] } }) };
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^output 'labels' is not an output of the model \(it declares 'probs', 'label'\)$/));
  predict = { body: JSON.stringify({ outputs: { probs: [0.25, 0.75], label: [1] } }) };
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^output 'probs' has shape \[2\] where the model declares \[-1, 2\]$/));
  predict = { headers: { 'content-type': 'text/html' }, body: '<html>busy</html>' };
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^the predict response is not JSON \(.*\): "<html>busy<\/html>"$/));
});

test('kserve-grpc: outputs and their raw contents must match the metadata', async (t) => {
  const definition = protoLoader.loadSync(fileURLToPath(new URL('../../../proto/grpc_predict_v2.proto', import.meta.url)), { keepCase: true, longs: Number, defaults: true });
  const service = (grpc.loadPackageDefinition(definition) as unknown as { inference: { GRPCInferenceService: grpc.ServiceClientConstructor } }).inference.GRPCInferenceService;
  let inferReply: object = {};
  const server = new grpc.Server();
  const tensor = (name: string, shape: number[]) => ({ name, datatype: 'FP32', shape });
  server.addService(service.service, {
    ServerLive: (_call: unknown, done: grpc.sendUnaryData<object>) => done(null, { live: true }),
    ModelMetadata: (_call: unknown, done: grpc.sendUnaryData<object>) =>
      done(null, { name: STUB_MODEL, versions: ['1'], platform: 'stub', inputs: [tensor('x', [-1, 4])], outputs: [tensor('y', [-1, 4])] }),
    ModelInfer: (_call: unknown, done: grpc.sendUnaryData<object>) => done(null, inferReply),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  t.after(() => server.forceShutdown());
  const client = createClient('kserve-grpc', `127.0.0.1:${port}`);
  t.after(() => client.close());
  await client.checkServer();
  await client.metadata(STUB_MODEL);

  inferReply = { model_name: STUB_MODEL, outputs: [tensor('y', [1, 4])], raw_output_contents: [Buffer.alloc(16)] };
  assert.deepEqual((await client.infer(STUB_MODEL, INPUT)).outputs[0]!.shape, [1, 4]);
  inferReply = { model_name: STUB_MODEL, outputs: [tensor('y', [1, 4])], raw_output_contents: [Buffer.alloc(8)] };
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^output 'y' has 8 bytes where FP32 \[1, 4\] takes 16$/));
  inferReply = { model_name: STUB_MODEL, outputs: [tensor('y', [1, 2])], raw_output_contents: [Buffer.alloc(8)] };
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^output 'y' has shape \[1, 2\] where the model declares \[-1, 4\]$/));
  inferReply = { model_name: STUB_MODEL, outputs: [tensor('y', [1, 4])], raw_output_contents: [Buffer.alloc(16), Buffer.alloc(16)] };
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^the response has 2 raw_output_contents for 1 outputs$/));
  inferReply = { model_name: STUB_MODEL, outputs: [] };
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^the response has no outputs$/));
  inferReply = { model_name: STUB_MODEL, outputs: [{ ...tensor('y', [1, 4]), contents: { fp32_contents: [1, 2, 3] } }] };
  await assert.rejects(client.infer(STUB_MODEL, INPUT), isBadResponse(/^output 'y' holds 3 values where its shape \[1, 4\] needs 4$/));
});

test('the first message of each error kind survives fan-out serialisation and merging', () => {
  const layout = { measureStartMs: 0, endMs: 1000, windowMs: 250 };
  const worker = new LoadRecorder(layout);
  worker.recordError('bad-response', 10, "output 'y' has shape [1, 3] where the model declares [-1, 4]");
  worker.recordError('bad-response', 20, 'a later message');
  worker.recordError('timeout', 30);
  const parent = new LoadRecorder(layout);
  parent.recordError('http-5xx', 5, 'HTTP 503: busy');
  parent.merge(LoadRecorder.fromJSON(JSON.parse(JSON.stringify(worker.toJSON()))));
  assert.deepEqual(parent.errorsByKind, { 'http-5xx': 1, 'bad-response': 2, timeout: 1 });
  assert.deepEqual(parent.errorExamples, { 'http-5xx': 'HTTP 503: busy', 'bad-response': "output 'y' has shape [1, 3] where the model declares [-1, 4]" });
});
