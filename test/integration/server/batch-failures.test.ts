import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ServelabError } from '../../../src/core/errors.js';
import { runSplittingOnFailure } from '../../../src/server/batch-split.js';
import { InferenceRunError, isClientCausedRunMessage } from '../../../src/server/engine/run-error.js';
import { KSERVE_PROTO_OPTIONS, KSERVE_PROTO_PATH } from '../../../src/server/index.js';
import { postJson, sample, startTestServer } from '../../support/server/support.js';

const GATHER_MESSAGE =
  "Non-zero status code returned while running Gather node. Name:'Gather_node_1' Status Message: indices element out of data bounds, idx=10000000 must be within the inclusive range [-30522,30521]";

test('runtime messages that blame the input are invalid-input; others, and resource failures, stay internal', () => {
  for (const message of [
    GATHER_MESSAGE,
    'Got invalid dimensions for input: input for the following indices\n index: 2 Got: 5 Expected: 28',
    "Non-zero status code returned while running Add node. Name:'add' Status Message: axis == 1 || axis == largest was false. Attempting to broadcast an axis by a dimension other than 1. 153 by 459",
    'The input tensor cannot be reshaped to the requested shape. Input shape:{1,7}, requested shape:{2,4}',
  ]) {
    assert.equal(isClientCausedRunMessage(message), true, message);
    const error = new InferenceRunError(message);
    assert.equal(error.code, 'invalid-input');
    assert.ok(error.message.includes(message), 'the runtime message reaches the client');
  }
  for (const message of ['Failed to allocate memory for requested buffer of size 4000000000', 'std::bad_alloc: index out of range while allocating', 'some unknown failure']) {
    assert.equal(isClientCausedRunMessage(message), false, message);
    assert.equal(new InferenceRunError(message).code, 'internal');
  }
});

/** A fake run that fails any group holding a bad member (as ONNX Runtime fails a whole batch). */
function splitHarness(bad: ReadonlySet<number>, splittable = true) {
  const runs: number[][] = [];
  const answered = new Map<number, 'ok' | unknown>();
  const splits: number[] = [];
  const done = runSplittingOnFailure<number>([0, 1, 2, 3, 4, 5], {
    run: async (members) => {
      runs.push([...members]);
      if (members.some((member) => bad.has(member))) throw splittable ? new InferenceRunError(GATHER_MESSAGE) : new ServelabError('model instance exited unexpectedly', 'internal');
      for (const member of members) answered.set(member, 'ok');
    },
    splittable: (error) => error instanceof InferenceRunError,
    fail: (member, error) => answered.set(member, error),
    onSplit: (members) => splits.push(members.length),
  });
  return { done, runs, answered, splits };
}

test('a failed batch is bisected: the bad request fails alone, the five batched with it are answered', async () => {
  const h = splitHarness(new Set([4]));
  await h.done;
  for (const good of [0, 1, 2, 3, 5]) assert.equal(h.answered.get(good), 'ok', `request ${good}`);
  assert.ok(h.answered.get(4) instanceof InferenceRunError);
  assert.equal((h.answered.get(4) as InferenceRunError).code, 'invalid-input');
  assert.deepEqual(h.runs, [[0, 1, 2, 3, 4, 5], [0, 1, 2], [3, 4, 5], [3, 4], [3], [4], [5]]);
  assert.deepEqual(h.splits, [6, 3, 2]);
});

test('every bad request of a batch fails on its own answer; a batch of good ones runs once', async () => {
  const twoBad = splitHarness(new Set([0, 5]));
  await twoBad.done;
  assert.deepEqual([...twoBad.answered].filter(([, value]) => value !== 'ok').map(([member]) => member).sort(), [0, 5]);
  const allGood = splitHarness(new Set());
  await allGood.done;
  assert.equal(allGood.runs.length, 1);
  assert.deepEqual(allGood.splits, []);
});

test('a failure that is not the run\'s (a crashed instance) fails the batch without splitting', async () => {
  const h = splitHarness(new Set([4]), false);
  await h.done;
  assert.equal(h.runs.length, 1);
  assert.equal(h.answered.size, 6);
  for (const value of h.answered.values()) assert.equal((value as ServelabError).code, 'internal');
});

const textRequest = (ids: number[], id: string) => ({
  id,
  inputs: [
    { name: 'input_ids', shape: [1, ids.length], datatype: 'INT64', data: ids },
    { name: 'attention_mask', shape: [1, ids.length], datatype: 'INT64', data: ids.map(() => 1) },
  ],
});
const GOOD_IDS = [101, 2023, 3185, 2001, 2307, 102, 0, 0];
const BAD_IDS = [101, 2023, 10_000_000, 2001, 2307, 102, 0, 0];

test('sentiment-cls over HTTP: 5 good requests batched with 1 out-of-vocabulary one get 200, the bad one 400 with the runtime message', async (t) => {
  // The batch forms only when all six requests are queued (maxBatchSize 6, a long queue delay).
  const server = await startTestServer(t, {
    models: [{ name: 'sentiment-cls', config: { batching: { enabled: true, maxBatchSize: 6, maxQueueDelayUs: 5_000_000 } } }],
  });
  const url = `${server.httpUrl}/v2/models/sentiment-cls/infer`;
  const replies = await Promise.all([
    ...[0, 1, 2, 3, 4].map((index) => postJson(url, textRequest(GOOD_IDS, `good-${index}`))),
    postJson(url, textRequest(BAD_IDS, 'bad')),
  ]);
  const bad = replies.pop()!;
  for (const reply of replies) assert.equal(reply.status, 200, JSON.stringify(reply.json));
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.json), /indices element out of data bounds, idx=10000000/);
  const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
  assert.ok(sample(metrics, 'servelab_batch_splits_total{model="sentiment-cls"}') >= 1, 'the split is counted');
  assert.equal(sample(metrics, 'servelab_request_failures_total{model="sentiment-cls",reason="invalid-input"}'), 1);

  // Batching off: a lone bad request is the client's fault too.
  const alone = await startTestServer(t, { models: [{ name: 'sentiment-cls' }] });
  const loneBad = await postJson(`${alone.httpUrl}/v2/models/sentiment-cls/infer`, textRequest(BAD_IDS, 'lone'));
  assert.equal(loneBad.status, 400);
  assert.match(JSON.stringify(loneBad.json), /out of data bounds/);
});

test('sentiment-cls over gRPC: the out-of-vocabulary request gets INVALID_ARGUMENT, its batch mates are answered', async (t) => {
  const server = await startTestServer(t, {
    grpcPort: 0,
    models: [{ name: 'sentiment-cls', config: { batching: { enabled: true, maxBatchSize: 3, maxQueueDelayUs: 5_000_000 } } }],
  });
  const definition = protoLoader.loadSync(KSERVE_PROTO_PATH, KSERVE_PROTO_OPTIONS);
  const proto = grpc.loadPackageDefinition(definition) as any;
  const client = new proto.inference.GRPCInferenceService(server.grpcAddress!, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
  t.after(() => client.close());
  const infer = (ids: number[]) =>
    new Promise<{ error: grpc.ServiceError | null }>((resolve) => {
      const request = {
        model_name: 'sentiment-cls',
        inputs: [
          { name: 'input_ids', datatype: 'INT64', shape: [1, ids.length], contents: { int64_contents: ids } },
          { name: 'attention_mask', datatype: 'INT64', shape: [1, ids.length], contents: { int64_contents: ids.map(() => 1) } },
        ],
      };
      client.ModelInfer(request, (error: grpc.ServiceError | null) => resolve({ error }));
    });
  const [good1, bad, good2] = await Promise.all([infer(GOOD_IDS), infer(BAD_IDS), infer(GOOD_IDS)]);
  assert.equal(good1!.error, null);
  assert.equal(good2!.error, null);
  assert.equal(bad!.error?.code, grpc.status.INVALID_ARGUMENT);
  assert.match(bad!.error?.details ?? '', /out of data bounds/);
});
