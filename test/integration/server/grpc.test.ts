import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { SERVER_TIMING_PARAMETERS } from '../../../src/core/target.js';
import { KSERVE_PROTO_OPTIONS, KSERVE_PROTO_PATH } from '../../../src/server/index.js';
import { MODEL_PATHS, clsInput } from '../../support/server/fixtures/models.js';
import { startTestServer } from '../../support/server/support.js';

type Unary = (request: unknown, callback: (error: grpc.ServiceError | null, reply: any) => void) => void;

function connect(address: string, maxReceiveBytes = 64 * 1024 * 1024): { client: grpc.Client; call: (method: string, request: unknown) => Promise<any> } {
  const definition = protoLoader.loadSync(KSERVE_PROTO_PATH, KSERVE_PROTO_OPTIONS);
  const proto = grpc.loadPackageDefinition(definition) as any;
  const client = new proto.inference.GRPCInferenceService(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': maxReceiveBytes }) as grpc.Client;
  const call = (method: string, request: unknown) =>
    new Promise<any>((resolve, reject) => {
      ((client as unknown as Record<string, Unary>)[method]!).call(client, request, (error, reply) => (error ? reject(error) : resolve(reply)));
    });
  return { client, call };
}

test('KServe v2 gRPC: health, metadata and ModelInfer with raw and typed contents', async (t) => {
  const server = await startTestServer(t, { grpcPort: 0, models: [{ name: 'cls', path: MODEL_PATHS.cls }] });
  const { client, call } = connect(server.grpcAddress!);
  t.after(() => client.close());

  assert.deepEqual(await call('ServerLive', {}), { live: true });
  assert.deepEqual(await call('ServerReady', {}), { ready: true });
  assert.deepEqual(await call('ModelReady', { name: 'cls' }), { ready: true });
  const serverMeta = await call('ServerMetadata', {});
  assert.equal(serverMeta.name, 'servelab');
  assert.deepEqual(serverMeta.extensions, ['binary_tensor_data']);
  const meta = await call('ModelMetadata', { name: 'cls' });
  assert.deepEqual(meta.inputs, [{ name: 'x', datatype: 'FP32', shape: [-1, 3, -1, -1] }]);
  assert.equal(meta.platform, 'onnxruntime_onnx');

  const data = clsInput(2, 3);
  const raw = await call('ModelInfer', {
    model_name: 'cls',
    id: 'g1',
    inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3, 48, 192] }],
    raw_input_contents: [Buffer.from(data.buffer)],
  });
  assert.equal(raw.id, 'g1');
  assert.deepEqual(raw.outputs[0].shape, [2, 2]);
  const rawValues = new Float32Array(new Uint8Array(raw.raw_output_contents[0]).buffer);
  assert.equal(rawValues.length, 4);
  assert.ok(Math.abs(rawValues[0]! + rawValues[1]! - 1) < 1e-4);
  assert.equal(raw.parameters[SERVER_TIMING_PARAMETERS.batchSize].int64_param, 2);
  assert.equal(raw.parameters[SERVER_TIMING_PARAMETERS.cacheHit].bool_param, false);
  assert.ok(raw.parameters[SERVER_TIMING_PARAMETERS.computeUs].int64_param > 0);

  const typed = await call('ModelInfer', {
    model_name: 'cls',
    inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3, 48, 192], contents: { fp32_contents: Array.from(data) } }],
    outputs: [{ name: 'softmax_0.tmp_0' }],
  });
  const typedValues = new Float32Array(new Uint8Array(typed.raw_output_contents[0]).buffer);
  assert.deepEqual([...typedValues], [...rawValues]);
});

test('bad gRPC requests get INVALID_ARGUMENT, NOT_FOUND or RESOURCE_EXHAUSTED naming the problem', async (t) => {
  const server = await startTestServer(t, { grpcPort: 0, maxBodyBytes: 512 * 1024, models: [{ name: 'cls', path: MODEL_PATHS.cls }] });
  const { client, call } = connect(server.grpcAddress!);
  t.after(() => client.close());
  const rejects = async (method: string, request: unknown, code: grpc.status, message: RegExp) => {
    await assert.rejects(call(method, request), (error: grpc.ServiceError) => {
      assert.equal(error.code, code, error.details);
      assert.match(error.details, message);
      return true;
    });
  };
  const one = Buffer.from(clsInput(1).buffer);
  const input = { name: 'x', datatype: 'FP32', shape: [1, 3, 48, 192] };
  await rejects('ModelReady', { name: 'nope' }, grpc.status.NOT_FOUND, /unknown model 'nope'/);
  await rejects('ModelMetadata', { name: 'cls', version: '7' }, grpc.status.NOT_FOUND, /version '7' not found/);
  await rejects('ModelInfer', { model_name: 'nope', inputs: [input], raw_input_contents: [one] }, grpc.status.NOT_FOUND, /unknown model 'nope'/);
  await rejects('ModelInfer', { model_name: 'cls', inputs: [input], raw_input_contents: [one.subarray(0, 1000)] }, grpc.status.INVALID_ARGUMENT, /input 'x': 1000 bytes of FP32 data, but shape \[1, 3, 48, 192\] needs 110592/);
  await rejects('ModelInfer', { model_name: 'cls', inputs: [input], raw_input_contents: [one, one] }, grpc.status.INVALID_ARGUMENT, /raw_input_contents has 2 entries but there are 1 inputs/);
  await rejects('ModelInfer', { model_name: 'cls', inputs: [{ ...input, datatype: 'INT64' }], raw_input_contents: [Buffer.alloc(3 * 48 * 192 * 8)] }, grpc.status.INVALID_ARGUMENT, /must have datatype FP32, but got INT64/);
  await rejects('ModelInfer', { model_name: 'cls', inputs: [{ ...input, shape: [1, 1, 48, 192] }], raw_input_contents: [Buffer.alloc(48 * 192 * 4)] }, grpc.status.INVALID_ARGUMENT, /must have shape \[-1, 3, -1, -1\]/);
  await rejects('ModelInfer', { model_name: 'cls', inputs: [{ ...input, shape: [8, 3, 48, 192] }], raw_input_contents: [Buffer.alloc(8 * 3 * 48 * 192 * 4)] }, grpc.status.RESOURCE_EXHAUSTED, /larger than max/i);
  const ok = await call('ModelInfer', { model_name: 'cls', inputs: [input], raw_input_contents: [one] });
  assert.equal(ok.raw_output_contents.length, 1, 'still serving after every bad request');
});

test('gRPC: raw plus typed contents, and requests over the batch or tensor-size cap, get INVALID_ARGUMENT; typed contents may hold NaN', async (t) => {
  const server = await startTestServer(t, { grpcPort: 0, maxRequestBatchSize: 2, maxRequestTensorBytes: 2 * 110_592, models: [{ name: 'cls', path: MODEL_PATHS.cls }] });
  const { client, call } = connect(server.grpcAddress!);
  t.after(() => client.close());
  const invalid = async (request: unknown, message: RegExp) => {
    await assert.rejects(call('ModelInfer', request), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT, error.details);
      assert.match(error.details, message);
      return true;
    });
  };
  const one = clsInput(1);
  await invalid(
    { model_name: 'cls', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 48, 192], contents: { fp32_contents: Array.from(one) } }], raw_input_contents: [Buffer.from(one.buffer)] },
    /input 'x' has both typed contents and raw_input_contents; send each input's data in exactly one of them/,
  );
  await invalid(
    { model_name: 'cls', inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 3, 48, 8] }], raw_input_contents: [Buffer.alloc(3 * 3 * 48 * 8 * 4)] },
    /request batch size 3 \(input 'x', axis 0\) exceeds the server's limit of 2 rows per request \(maxRequestBatchSize\)/,
  );
  await invalid(
    { model_name: 'cls', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 48, 576] }], raw_input_contents: [Buffer.alloc(3 * 48 * 576 * 4)] },
    /request input tensors take 331776 bytes, over the server's limit of 221184 bytes per request \(maxRequestTensorBytes\)/,
  );
  // Protobuf floats carry NaN and Infinity, unlike JSON: typed contents may hold them.
  const special = Array.from(one, (value, index) => (index === 0 ? Number.NaN : index === 1 ? Infinity : value));
  const reply = await call('ModelInfer', { model_name: 'cls', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 48, 192], contents: { fp32_contents: special } }] });
  assert.equal(reply.raw_output_contents.length, 1);
});
