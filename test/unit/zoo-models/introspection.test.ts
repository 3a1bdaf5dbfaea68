import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { cardFromFile } from '../../../src/zoo/models/introspect.js';
import { getModelCard, resolveModel } from '../../../src/zoo/models/registry.js';
import { GraphBuilder } from '../../../src/zoo/onnx/graph-builder.js';
import { encodeModel, OnnxDataType } from '../../../src/zoo/onnx/onnx-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'servelab-user-model-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A user's model: conv 3x3 (3→8, bias) + BN + ReLU + global pool + dense 8→5, dynamic batch and spatial size. */
function writeUserModel(): string {
  const b = new GraphBuilder({ graphName: 'user', seed: 1, withWeights: true });
  const x = b.input('pixels', OnnxDataType.FLOAT, ['n', 3, 'h', 'w'], [1, 3, 32, 32]);
  const conv = b.op('Conv', [x, b.weight('w', [8, 3, 3, 3], { std: 0.2 }), b.weight('b', [8], { constant: 0 })], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  const bn = b.op('BatchNormalization', [conv, b.weight('g', [8], { constant: 1 }), b.weight('beta', [8], { constant: 0 }), b.weight('mean', [8], { constant: 0 }), b.weight('var', [8], { constant: 1 })]);
  const pooled = b.op('Flatten', [b.op('GlobalAveragePool', [b.op('Relu', [bn])])]);
  const out = b.op('Gemm', [pooled, b.weight('fc', [5, 8], { std: 0.3 }), b.weight('fcb', [5], { constant: 0 })], { transB: 1 });
  b.output(out, 'scores', OnnxDataType.FLOAT, ['n', 5]);
  const path = join(dir, 'my-classifier.onnx');
  writeFileSync(path, encodeModel(b.finish('a user model')));
  return path;
}

test('a user .onnx path resolves like a zoo name, with a card derived by introspection', async () => {
  const path = writeUserModel();
  const { card, path: resolved } = await resolveModel(path);
  assert.equal(resolved, path);
  assert.equal(card.name, 'my-classifier');
  assert.equal(card.weights, 'pretrained');
  assert.equal(card.modality, 'image');
  assert.equal(card.source, path);
  assert.deepEqual(card.inputs, [{ name: 'pixels', datatype: 'FP32', shape: [-1, 3, -1, -1] }]);
  assert.deepEqual(card.outputs, [{ name: 'scores', datatype: 'FP32', shape: [-1, 5] }]);
  assert.deepEqual(card.defaultInputShapes, { pixels: [3, 224, 224] });
  // conv 8*3*3*3 + 8, BN scale + bias 16 (running mean/var are statistics, not parameters), dense 5*8 + 5.
  assert.equal(card.params, 216 + 8 + 16 + 40 + 5);
  // At 224x224: conv 2*MACs + bias, BN 2/element, ReLU 1, global pool 1, dense 2*40 + 5.
  const pixels = 224 * 224 * 8;
  assert.equal(card.flops, 2 * pixels * 27 + pixels + 2 * pixels + pixels + pixels + 2 * 40 + 5);
  const session = await ort.InferenceSession.create(path);
  const out = await session.run({ pixels: new ort.Tensor('float32', new Float32Array(2 * 3 * 20 * 20).fill(1), [2, 3, 20, 20]) });
  assert.deepEqual(out.scores!.dims, [2, 5]);
  await session.release();
});

test('introspecting a zoo model file gives the card the zoo holds for it (inputs, outputs, params)', async () => {
  for (const name of ['ocr-cls', 'silero-vad', 'mnist-cnn', 'bert-tiny']) {
    const { card, path } = await resolveModel(name);
    const introspected = cardFromFile(path);
    assert.deepEqual(introspected.inputs, card.inputs, name);
    assert.deepEqual(introspected.outputs, card.outputs, name);
    assert.equal(introspected.params, card.params, name);
    assert.equal(introspected.weights, 'pretrained', `${name}: introspection alone cannot know the weights kind`);
  }
});

test('a path to a zoo model file resolves to that model\'s card (weights kind, accuracy and licence kept)', async () => {
  for (const name of ['mnist-cnn', 'silero-vad', 'squeezenet1_1']) {
    const { card, path } = await resolveModel(name);
    const byPath = await resolveModel(path);
    assert.equal(byPath.path, path);
    assert.deepEqual(byPath.card, card);
  }
});

test('FLOPs are counted through computed shapes and If branches of packaged exporter graphs', async () => {
  const det = await getModelCard('ocr-det');
  const rec = await getModelCard('ocr-rec');
  const vad = await getModelCard('silero-vad');
  // PP-OCRv4 mobile detector is published at a few GFLOPs at 640x640; the recognizer's SVTR neck needs Shape→Reshape chains.
  assert.ok(det.flops > 1e9 && det.flops < 2e10, `ocr-det ${det.flops}`);
  assert.ok(rec.flops > 1e8 && rec.flops < 1e10, `ocr-rec ${rec.flops}`);
  assert.ok(vad.flops > 1e5 && vad.flops < 1e8, `silero-vad ${vad.flops}`);
  assert.doesNotMatch(det.description + rec.description + vad.description, /could not be inferred/);
});
