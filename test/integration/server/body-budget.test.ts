import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ServelabError } from '../../../src/core/errors.js';
import { BodyBudget } from '../../../src/server/body-budget.js';
import { KSERVE_PROTO_OPTIONS, KSERVE_PROTO_PATH } from '../../../src/server/index.js';
import { MODEL_PATHS, clsInput } from '../../support/server/fixtures/models.js';
import { trickleHttpBody } from '../../support/server/fixtures/trickle-clients.js';
import { postJson, startTestServer } from '../../support/server/support.js';

const cls = { name: 'cls', path: MODEL_PATHS.cls };
const MIB = 1024 * 1024;

test('BodyBudget: charges grow to what arrived, refuse past the limit naming it, and give back once', () => {
  const budget = new BodyBudget(1000);
  const first = budget.charge();
  first.holdAtLeast(600);
  first.holdAtLeast(400);
  assert.equal(budget.usedBytes, 600, 'a charge holds the most it was asked for, not the sum');
  const second = budget.charge();
  assert.throws(
    () => second.holdAtLeast(401),
    (error: unknown) => error instanceof ServelabError && error.code === 'resource-exhausted' && /would reach 1001 bytes, over the limit of 1000 bytes \(maxInFlightBodyBytes\)/.test(error.message),
  );
  assert.equal(second.heldBytes, 0, 'a refused charge holds nothing');
  second.holdAtLeast(400);
  first.release();
  first.release();
  assert.equal(budget.usedBytes, 400, 'released once');
  second.release();
  assert.equal(budget.usedBytes, 0);
});

test('request bodies held across connections are capped: HTTP gets 503 and gRPC RESOURCE_EXHAUSTED until they are released', async (t) => {
  const server = await startTestServer(t, { grpcPort: 0, models: [cls], maxBodyBytes: MIB, maxInFlightBodyBytes: 2 * MIB });
  const infer = `${server.httpUrl}/v2/models/cls/infer`;
  // Two slow clients each declare a 1 MiB body: together they hold the whole budget.
  const slow = [await trickleHttpBody(server.httpUrl, '/v2/models/cls/infer', MIB), await trickleHttpBody(server.httpUrl, '/v1/models/cls:predict', MIB)];
  t.after(() => slow.forEach((client) => client.stop()));
  await new Promise((resolve) => setTimeout(resolve, 100));

  const input = { name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', data: Array.from(clsInput(1)) };
  const refused = await postJson(infer, { inputs: [input] });
  assert.equal(refused.status, 503);
  assert.match(refused.json.error, /over the limit of 2097152 bytes \(maxInFlightBodyBytes\)/);
  // A body without Content-Length is charged chunk by chunk as it arrives.
  const chunked = await fetch(infer, {
    method: 'POST',
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ inputs: [input] })));
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
  assert.equal(chunked.status, 503);

  const definition = protoLoader.loadSync(KSERVE_PROTO_PATH, KSERVE_PROTO_OPTIONS);
  const proto = grpc.loadPackageDefinition(definition) as any;
  const client = new proto.inference.GRPCInferenceService(server.grpcAddress!, grpc.credentials.createInsecure()) as grpc.Client;
  t.after(() => client.close());
  const modelInfer = (request: unknown) =>
    new Promise<any>((resolve, reject) => (client as any).ModelInfer(request, (error: grpc.ServiceError | null, reply: unknown) => (error ? reject(error) : resolve(reply))));
  const grpcRequest = { model_name: 'cls', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 48, 192] }], raw_input_contents: [Buffer.from(clsInput(1).buffer)] };
  await assert.rejects(modelInfer(grpcRequest), (error: grpc.ServiceError) => {
    assert.equal(error.code, grpc.status.RESOURCE_EXHAUSTED, error.details);
    assert.match(error.details, /maxInFlightBodyBytes/);
    return true;
  });

  // Once the slow clients are gone their share comes back.
  for (const client of slow) client.stop();
  await Promise.all(slow.map((client) => client.closed));
  // The server sees the closes a moment after the clients do.
  let status = 0;
  for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    status = (await postJson(infer, { inputs: [input] })).status;
  }
  assert.equal(status, 200);
  assert.equal((await modelInfer(grpcRequest)).raw_output_contents.length, 1);
});
