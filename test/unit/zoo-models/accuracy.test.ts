import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { loadMnist } from '../../../src/zoo/datasets/mnist.js';
import { loadSentiment } from '../../../src/zoo/datasets/sentiment.js';
import { PACKAGE_ROOT } from '../../../src/zoo/models/model-cache.js';
import { resolveModel } from '../../../src/zoo/models/registry.js';
import { readTrainedMetadata } from '../../../src/zoo/models/trained-metadata.js';
import { stratifiedSplit } from '../../../src/zoo/models/trained-splits.js';
import { tokenize } from '../../../src/zoo/text/tokenizer.js';

/** Re-measuring in ONNX Runtime may differ from the recorded figure only by float noise on a few borderline samples. */
const TOLERANCE = 0.005;

function argmaxRow(values: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let i = 1; i < width; i++) if (values[row * width + i]! > values[row * width + best]!) best = i;
  return best;
}

test('mnist-cnn (committed) reaches its recorded held-out accuracy in ONNX Runtime, and at least 0.95', async () => {
  const { card, path } = await resolveModel('mnist-cnn');
  const metadata = readTrainedMetadata(join(PACKAGE_ROOT, 'models', 'mnist-cnn.json'));
  assert.deepEqual(card.accuracy, metadata.accuracy);
  const dataset = loadMnist();
  const heldOut = stratifiedSplit(dataset.samples.map((s) => s.label), 'mnist').heldOut.map((i) => dataset.samples[i]!);
  assert.equal(heldOut.length, metadata.accuracy.samples);
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
  const pixels = new Float32Array(heldOut.length * 784);
  heldOut.forEach((s, i) => pixels.set(s.pixels, i * 784));
  const logits = (await session.run({ input: new ort.Tensor('float32', pixels, [heldOut.length, 1, 28, 28]) })).logits!.data as Float32Array;
  await session.release();
  const accuracy = heldOut.filter((s, i) => argmaxRow(logits, i, 10) === s.label).length / heldOut.length;
  assert.ok(accuracy >= metadata.accuracy.value - TOLERANCE, `${accuracy} vs recorded ${metadata.accuracy.value}`);
  assert.ok(accuracy >= 0.95, `held-out accuracy ${accuracy}`);
});

test('sentiment-cls (committed) reaches its recorded held-out accuracy in ONNX Runtime, and at least 0.75', async () => {
  const { card, path } = await resolveModel('sentiment-cls');
  const metadata = readTrainedMetadata(join(PACKAGE_ROOT, 'models', 'sentiment-cls.json'));
  assert.deepEqual(card.accuracy, metadata.accuracy);
  const dataset = loadSentiment();
  const heldOut = stratifiedSplit(dataset.samples.map((s) => s.label), 'sentiment').heldOut.map((i) => dataset.samples[i]!);
  assert.equal(heldOut.length, metadata.accuracy.samples);
  const encoded = heldOut.map((s) => tokenize(s.text, { specialTokens: false }));
  // One padded batch: padding must not change any prediction, so this also checks the masked mean.
  const width = Math.max(...encoded.map((ids) => ids.length));
  const ids = new BigInt64Array(heldOut.length * width);
  const mask = new BigInt64Array(heldOut.length * width);
  encoded.forEach((row, r) => row.forEach((id, i) => ((ids[r * width + i] = BigInt(id)), (mask[r * width + i] = 1n))));
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
  const logits = (await session.run({
    input_ids: new ort.Tensor('int64', ids, [heldOut.length, width]),
    attention_mask: new ort.Tensor('int64', mask, [heldOut.length, width]),
  })).logits!.data as Float32Array;
  await session.release();
  const accuracy = heldOut.filter((s, i) => argmaxRow(logits, i, 2) === s.label).length / heldOut.length;
  assert.ok(accuracy >= metadata.accuracy.value - TOLERANCE, `${accuracy} vs recorded ${metadata.accuracy.value}`);
  assert.ok(accuracy >= 0.75, `held-out accuracy ${accuracy}`);
});

test('the held-out split is stratified, disjoint from training and stable', () => {
  const labels = loadSentiment().samples.map((s) => s.label);
  const split = stratifiedSplit(labels, 'sentiment');
  assert.equal(split.train.length + split.heldOut.length, labels.length);
  const train = new Set(split.train);
  assert.ok(split.heldOut.every((i) => !train.has(i)));
  assert.equal(split.heldOut.filter((i) => labels[i] === 1).length, split.heldOut.filter((i) => labels[i] === 0).length);
  assert.deepEqual(stratifiedSplit(labels, 'sentiment'), split);
  assert.notDeepEqual(stratifiedSplit(labels, 'sentiment', 1234).heldOut, split.heldOut);
});
