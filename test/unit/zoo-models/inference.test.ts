import { test } from 'node:test';
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { shapeFits } from '../../../src/core/tensor.js';
import { listModelCards, MODEL_NAMES, resolveModel } from '../../../src/zoo/models/registry.js';
import { smallFeeds } from '../../support/zoo-models/feeds.js';

const cards = await listModelCards();

test('the zoo lists every model of the three kinds, each with a complete card', () => {
  assert.deepEqual(cards.map((c) => c.name), [...MODEL_NAMES]);
  assert.deepEqual(
    [...new Set(cards.map((c) => c.weights))].sort(),
    ['pretrained', 'synthetic', 'trained'],
  );
  for (const card of cards) {
    for (const field of ['task', 'description', 'source', 'licence'] as const) assert.ok(card[field].length > 0, `${card.name}.${field}`);
    assert.ok(card.params > 0 && Number.isInteger(card.params), `${card.name}.params ${card.params}`);
    assert.ok(card.flops > 0, `${card.name}.flops ${card.flops}`);
    assert.ok(card.inputs.length > 0 && card.outputs.length > 0, `${card.name} has inputs and outputs`);
    assert.deepEqual(Object.keys(card.defaultInputShapes).sort(), card.inputs.map((i) => i.name).sort(), `${card.name} default shapes`);
    assert.equal(card.weights === 'trained', card.accuracy !== undefined, `${card.name}: accuracy exactly on trained models`);
  }
});

test('the generated and trained models keep the input/output conventions workloads rely on', () => {
  const io = (name: string) => {
    const card = cards.find((c) => c.name === name)!;
    return { inputs: card.inputs.map((s) => [s.name, s.datatype, s.shape]), outputs: card.outputs.map((s) => [s.name, s.datatype, s.shape]) };
  };
  for (const name of ['resnet18', 'resnet50', 'mobilenetv2', 'squeezenet1_1']) {
    assert.deepEqual(io(name), { inputs: [['input', 'FP32', [-1, 3, 224, 224]]], outputs: [['logits', 'FP32', [-1, 1000]]] });
  }
  const text = [['input_ids', 'INT64', [-1, -1]], ['attention_mask', 'INT64', [-1, -1]]];
  for (const name of ['bert-tiny', 'bert-mini', 'sentiment-cls']) assert.deepEqual(io(name), { inputs: text, outputs: [['logits', 'FP32', [-1, 2]]] });
  assert.deepEqual(io('mnist-cnn'), { inputs: [['input', 'FP32', [-1, 1, 28, 28]]], outputs: [['logits', 'FP32', [-1, 10]]] });
  assert.deepEqual(io('lstm-forecaster'), { inputs: [['input', 'FP32', [-1, -1, 4]]], outputs: [['forecast', 'FP32', [-1, 1]]] });
  assert.deepEqual(io('silero-vad').inputs, [['input', 'FP32', [-1, -1]], ['state', 'FP32', [2, -1, 128]], ['sr', 'INT64', []]]);
});

for (const card of cards) {
  test(`${card.name} runs one inference in ONNX Runtime and matches its card`, async () => {
    const { path, card: resolvedCard } = await resolveModel(card.name);
    assert.deepEqual(resolvedCard, card);
    const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    try {
      assert.deepEqual([...session.inputNames], card.inputs.map((i) => i.name));
      assert.deepEqual([...session.outputNames], card.outputs.map((o) => o.name));
      const results = await session.run(smallFeeds(card));
      for (const spec of card.outputs) {
        const output = results[spec.name];
        assert.ok(output, `${card.name} produced ${spec.name}`);
        assert.ok(shapeFits(output.dims.map(Number), spec.shape), `${spec.name} dims [${output.dims}] fit [${spec.shape}]`);
        const values = output.data as Float32Array;
        assert.ok(values.length > 0 && values.every(Number.isFinite), `${card.name}.${spec.name} is finite`);
      }
    } finally {
      await session.release();
    }
  });
}

test('generated text and time-series models accept any sequence length (dynamic axes really are dynamic)', async () => {
  for (const name of ['bert-tiny', 'lstm-forecaster']) {
    const { path } = await resolveModel(name);
    const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
    for (const length of [1, 5, 40]) {
      const feeds: Record<string, ort.Tensor> =
        name === 'bert-tiny'
          ? { input_ids: new ort.Tensor('int64', new BigInt64Array(3 * length).fill(7n), [3, length]), attention_mask: new ort.Tensor('int64', new BigInt64Array(3 * length).fill(1n), [3, length]) }
          : { input: new ort.Tensor('float32', new Float32Array(3 * length * 4).fill(0.5), [3, length, 4]) };
      const out = Object.values(await session.run(feeds))[0]!;
      assert.deepEqual(out.dims, [3, name === 'bert-tiny' ? 2 : 1]);
    }
    await session.release();
  }
});

test('the BERT attention mask is honoured: padding tokens do not change the [CLS] logits', async () => {
  const { path } = await resolveModel('bert-tiny');
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
  const ids = [2, 1000, 2000, 3000, 3];
  const short = await session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, 5]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(5).fill(1n), [1, 5]),
  });
  const padded = await session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from([...ids, 0, 0, 0].map(BigInt)), [1, 8]),
    attention_mask: new ort.Tensor('int64', BigInt64Array.from([1, 1, 1, 1, 1, 0, 0, 0].map(BigInt)), [1, 8]),
  });
  const a = short.logits!.data as Float32Array;
  const b = padded.logits!.data as Float32Array;
  a.forEach((value, i) => assert.ok(Math.abs(value - b[i]!) < 1e-4, `logit ${i}: ${value} vs ${b[i]}`));
  await session.release();
});

test('a configurable encoder (bert-L<layers>-H<hidden>-A<heads>-S<sequence>) is generated, counted and runs', async () => {
  const { card, path } = await resolveModel('bert-L1-H64-A4-S32');
  assert.equal(card.name, 'bert-L1-H64-A4-S32');
  assert.deepEqual(card.defaultInputShapes, { input_ids: [32], attention_mask: [32] });
  // Embeddings (30522 + 512 + 2) x 64 + LN 128; one layer 4(64*64+64) + 2*128 (LN) + 64*256+256 + 256*64+64; pooler 64*64+64; classifier 64*2+2.
  const layer = 4 * (64 * 64 + 64) + 2 * 128 + (64 * 256 + 256) + (256 * 64 + 64);
  assert.equal(card.params, (30522 + 512 + 2) * 64 + 128 + layer + 64 * 64 + 64 + 130);
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
  const out = await session.run(smallFeeds({ ...card, name: 'bert-tiny' }));
  assert.deepEqual(out.logits!.dims, [2, 2]);
  await session.release();
});
