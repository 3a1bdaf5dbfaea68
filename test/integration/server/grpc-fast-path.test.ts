import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { SERVER_TIMING_PARAMETERS } from '../../../src/core/target.js';
import { KSERVE_PROTO_OPTIONS, KSERVE_PROTO_PATH } from '../../../src/server/index.js';
import { ownedTypedFromBytes } from '../../../src/server/protocols/json-tensors.js';
import { MODEL_PATHS, clsInput } from '../../support/server/fixtures/models.js';
import { sample, startTestServer } from '../../support/server/support.js';

test('gRPC raw contents become tensors that own their memory (one copy, transferable), whatever their offset in the message', () => {
  const message = Buffer.alloc(3 + 8);
  message.writeFloatLE(1.5, 3);
  message.writeFloatLE(-2, 7);
  const data = ownedTypedFromBytes(message.subarray(3), 'FP32', [2], 'x') as Float32Array;
  assert.deepEqual([...data], [1.5, -2]);
  assert.equal(data.byteOffset, 0);
  assert.equal(data.buffer.byteLength, 8, 'the tensor is the whole of its buffer');
  message.writeFloatLE(9, 3);
  assert.equal(data[0], 1.5, 'a copy, not a view of the message');
  assert.throws(() => ownedTypedFromBytes(message.subarray(3, 9), 'FP32', [2], 'x'), /x: 6 bytes of FP32 data, but shape \[2\] needs 8/);
  const words = Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from('ok')]);
  assert.deepEqual(ownedTypedFromBytes(words, 'BYTES', [1], 'w'), ['ok']);
});

test('the gRPC server grants 16 MiB HTTP/2 flow-control windows, so a large request is not held back a round trip; infer still works and is timed', async (t) => {
  const server = await startTestServer(t, { grpcPort: 0, models: [{ name: 'cls', path: MODEL_PATHS.cls }] });
  const session = connect(`http://${server.grpcAddress}`);
  try {
    const settings = await new Promise<{ initialWindowSize?: number }>((resolve, reject) => {
      session.once('remoteSettings', resolve);
      session.once('error', reject);
    });
    assert.equal(settings.initialWindowSize, 16 * 1024 * 1024);
  } finally {
    session.close();
  }

  const proto = grpc.loadPackageDefinition(protoLoader.loadSync(KSERVE_PROTO_PATH, KSERVE_PROTO_OPTIONS)) as any;
  const client = new proto.inference.GRPCInferenceService(server.grpcAddress, grpc.credentials.createInsecure());
  t.after(() => client.close());
  const raw = clsInput(2, 1);
  const reply: any = await new Promise((resolve, reject) =>
    client.ModelInfer({ model_name: 'cls', inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3, 48, 192] }], raw_input_contents: [Buffer.from(raw.buffer)] }, (error: Error | null, value: unknown) => (error ? reject(error) : resolve(value))),
  );
  const probabilities = new Float32Array(reply.raw_output_contents[0].buffer.slice(reply.raw_output_contents[0].byteOffset, reply.raw_output_contents[0].byteOffset + 16));
  assert.ok(Math.abs(probabilities[0]! + probabilities[1]! - 1) < 1e-4, 'softmax rows sum to 1');
  assert.ok(reply.parameters[SERVER_TIMING_PARAMETERS.computeUs].int64_param > 0);
  const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
  for (const stage of ['parse', 'queue', 'handoff', 'run', 'handback', 'encode']) {
    assert.equal(sample(metrics, `servelab_request_stage_seconds_count{model="cls",protocol="kserve-grpc",stage="${stage}"}`), 1, stage);
  }
});
