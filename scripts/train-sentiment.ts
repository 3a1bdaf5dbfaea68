/**
 * Trains servelab's `sentiment-cls` on UCI Sentiment Labelled Sentences (npm `sentiment` fixtures: imdb, yelp,
 * amazon) and exports it to ONNX. fastText-style (Joulin et al., 2017): token ids from servelab's hashing
 * tokenizer, an embedding bag averaged over attention_mask, then a linear layer to 2 logits. Per-sample SGD with
 * linearly decaying learning rate, seeded; held-out 20% (stratified split) scored through ONNX Runtime.
 * Run: npx tsx scripts/train-sentiment.ts
 */
import * as ort from 'onnxruntime-node';
import { createRng } from '../src/core/random.js';
import { loadSentiment } from '../src/zoo/datasets/sentiment.js';
import { RULE_TEXT, stratifiedSplit, TRAINING_SEED } from '../src/zoo/models/trained-splits.js';
import { GraphBuilder } from '../src/zoo/onnx/graph-builder.js';
import { encodeModel, OnnxDataType, type ModelProto } from '../src/zoo/onnx/onnx-schema.js';
import { TEXT_VOCAB_SIZE, tokenize } from '../src/zoo/text/tokenizer.js';
import { argmax, softmaxCrossEntropy } from './training/adam.js';
import { writeTrainedModel } from './training/write-model.js';

const DIM = Number(process.env.SENTIMENT_DIM ?? 16);
const CLASSES = 2;
const EPOCHS = Number(process.env.SENTIMENT_EPOCHS ?? 20);
const LEARNING_RATE = Number(process.env.SENTIMENT_LR ?? 0.5);

const rng = createRng(TRAINING_SEED, 'sentiment-cls/init');
const embedding = Float32Array.from({ length: TEXT_VOCAB_SIZE * DIM }, () => (2 * rng.next() - 1) / DIM);
const weight = new Float32Array(CLASSES * DIM);
const bias = new Float32Array(CLASSES);
const mean = new Float32Array(DIM);
const logits = new Float32Array(CLASSES);
const dLogits = new Float32Array(CLASSES);
const dMean = new Float32Array(DIM);

function forward(ids: readonly number[]): void {
  mean.fill(0);
  for (const id of ids) for (let d = 0; d < DIM; d++) mean[d]! += embedding[id * DIM + d]!;
  if (ids.length > 0) for (let d = 0; d < DIM; d++) mean[d]! /= ids.length;
  for (let k = 0; k < CLASSES; k++) {
    let sum = bias[k]!;
    for (let d = 0; d < DIM; d++) sum += weight[k * DIM + d]! * mean[d]!;
    logits[k] = sum;
  }
}

function sgdStep(ids: readonly number[], learningRate: number): void {
  dMean.fill(0);
  for (let k = 0; k < CLASSES; k++) {
    const g = dLogits[k]!;
    for (let d = 0; d < DIM; d++) {
      dMean[d]! += g * weight[k * DIM + d]!;
      weight[k * DIM + d]! -= learningRate * g * mean[d]!;
    }
    bias[k]! -= learningRate * g;
  }
  if (ids.length === 0) return;
  const scale = learningRate / ids.length;
  for (const id of ids) for (let d = 0; d < DIM; d++) embedding[id * DIM + d]! -= scale * dMean[d]!;
}

function exportOnnx(): ModelProto {
  const b = new GraphBuilder({ graphName: 'sentiment-cls', seed: TRAINING_SEED, withWeights: true });
  const reference = [1, 64];
  const ids = b.input('input_ids', OnnxDataType.INT64, ['batch', 'sequence'], reference);
  const mask = b.input('attention_mask', OnnxDataType.INT64, ['batch', 'sequence'], reference);
  const vectors = b.op('Gather', [b.weightData('embedding.weight', [TEXT_VOCAB_SIZE, DIM], embedding), ids]);
  const maskFloat = b.op('Cast', [mask], { to: OnnxDataType.FLOAT });
  const summed = b.op('ReduceSum', [b.op('Mul', [vectors, b.op('Unsqueeze', [maskFloat, b.int64s([2])])]), b.int64s([1])], { keepdims: 0 });
  const tokens = b.op('Max', [b.op('ReduceSum', [maskFloat, b.int64s([1])], { keepdims: 1 }), b.scalar(1)]);
  const averaged = b.op('Div', [summed, tokens]);
  const out = b.op('Gemm', [averaged, b.weightData('linear.weight', [CLASSES, DIM], weight), b.weightData('linear.bias', [CLASSES], bias)], { transB: 1 });
  b.output(out, 'logits', OnnxDataType.FLOAT, ['batch', CLASSES]);
  return b.finish('sentiment-cls: fastText-style embedding bag trained by servelab scripts/train-sentiment.ts');
}

/** Scores padded batches through ONNX Runtime, as a server would see them (mask 0 on padding). */
async function heldOutAccuracyOrt(proto: ModelProto, samples: readonly { ids: number[]; label: number }[]): Promise<number> {
  const session = await ort.InferenceSession.create(encodeModel(proto));
  let correct = 0;
  for (let start = 0; start < samples.length; start += 100) {
    const chunk = samples.slice(start, start + 100);
    const length = Math.max(1, ...chunk.map((s) => s.ids.length));
    const idData = new BigInt64Array(chunk.length * length);
    const maskData = new BigInt64Array(chunk.length * length);
    chunk.forEach((s, row) => s.ids.forEach((id, i) => ((idData[row * length + i] = BigInt(id)), (maskData[row * length + i] = 1n))));
    const result = await session.run({
      input_ids: new ort.Tensor('int64', idData, [chunk.length, length]),
      attention_mask: new ort.Tensor('int64', maskData, [chunk.length, length]),
    });
    const out = result.logits!.data as Float32Array;
    chunk.forEach((s, i) => (correct += argmax(out, i * CLASSES, CLASSES) === s.label ? 1 : 0));
  }
  await session.release();
  return correct / samples.length;
}

const started = Date.now();
const dataset = loadSentiment();
const encoded = dataset.samples.map((s) => ({ ids: tokenize(s.text, { specialTokens: false }), label: s.label }));
const split = stratifiedSplit(encoded.map((s) => s.label), 'sentiment');
const train = split.train.map((i) => encoded[i]!);
const heldOut = split.heldOut.map((i) => encoded[i]!);
const order = createRng(TRAINING_SEED, 'sentiment-cls/order');
const totalSteps = EPOCHS * train.length;
let step = 0;
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  let loss = 0;
  let correct = 0;
  for (const sample of order.shuffle(train)) {
    forward(sample.ids);
    loss += softmaxCrossEntropy(logits, sample.label, dLogits);
    correct += argmax(logits) === sample.label ? 1 : 0;
    sgdStep(sample.ids, LEARNING_RATE * (1 - step++ / totalSteps));
  }
  if ((epoch + 1) % 5 === 0 || epoch === EPOCHS - 1) {
    console.log(`epoch ${epoch + 1}/${EPOCHS}: loss ${(loss / train.length).toFixed(4)}, train accuracy ${(correct / train.length).toFixed(4)}`);
  }
}
const trainingSeconds = (Date.now() - started) / 1000;
const proto = exportOnnx();
const accuracy = await heldOutAccuracyOrt(proto, heldOut);
if (process.env.SENTIMENT_DRY_RUN) {
  console.log(`held-out accuracy ${accuracy.toFixed(4)} (dry run, nothing written)`);
} else {
  const written = writeTrainedModel(proto, {
    name: 'sentiment-cls',
    script: 'scripts/train-sentiment.ts',
    command: 'npx tsx scripts/train-sentiment.ts',
    seed: TRAINING_SEED,
    dataset: 'UCI Sentiment Labelled Sentences (npm sentiment@5.0.2 test/fixtures: imdb, yelp, amazon; 3,000 sentences)',
    split: { train: train.length, heldOut: heldOut.length, rule: RULE_TEXT },
    accuracy: { value: accuracy, dataset: 'sentiment held-out 20%', samples: heldOut.length },
    training: { epochs: EPOCHS, embeddingDim: DIM, learningRate: LEARNING_RATE, optimizer: 'per-sample SGD, linear decay to 0', tokenizer: 'tokenize(text, { specialTokens: false })' },
    trainingSeconds: Math.round(trainingSeconds * 10) / 10,
    createdAt: new Date().toISOString(),
  });
  console.log(`held-out accuracy (ONNX Runtime, ${heldOut.length} sentences): ${accuracy.toFixed(4)}; wrote ${written.onnxPath} and ${written.metadataPath}`);
}
