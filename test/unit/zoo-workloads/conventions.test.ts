import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elementCount, shapeFits, type Tensor, type TensorSpec } from '../../../src/core/tensor.js';
import { asteriskSpeechAvailability } from '../../../src/zoo/datasets/asterisk-speech.js';
import { loadSentiment } from '../../../src/zoo/datasets/sentiment.js';
import { CLS_ID, SEP_ID, tokenize } from '../../../src/zoo/text/tokenizer.js';
import { distributionOf } from '../../../src/zoo/workloads/distribution.js';
import { ZOO_MODEL_INPUTS } from '../../../src/zoo/workloads/model-conventions.js';
import { getWorkload, listWorkloads } from '../../../src/zoo/workloads/registry.js';

const inputsOf = (model: string): readonly TensorSpec[] => ZOO_MODEL_INPUTS[model]!;

function range(tensor: Tensor): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of tensor.data as Float32Array) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return [min, max];
}

test('every (workload, model) pair it claims: tensors match the model specs at batch 1 and 3', () => {
  for (const info of listWorkloads()) {
    if (!info.availability.available) continue;
    const workload = getWorkload(info.name);
    for (const model of workload.describe().fitsModels) {
      for (const batchSize of [1, 3]) {
        const tensors = workload.createSampleStream(inputsOf(model), { seed: 5, batchSize, modelName: model }).next();
        assert.deepEqual(tensors.map((t) => t.name), inputsOf(model).map((s) => s.name), `${info.name} -> ${model}`);
        tensors.forEach((tensor, i) => {
          const spec = inputsOf(model)[i]!;
          const where = `${info.name} -> ${model} ${tensor.name} [${tensor.shape}]`;
          assert.equal(tensor.datatype, spec.datatype, where);
          assert.ok(shapeFits(tensor.shape, spec.shape), `${where} fits [${spec.shape}]`);
          assert.equal((tensor.data as ArrayLike<unknown>).length, elementCount(tensor.shape), where);
          const batchAxis = spec.shape.length === 3 && spec.shape[0] === 2 ? 1 : 0;
          if (spec.shape.length > 0) assert.equal(tensor.shape[batchAxis], batchSize, where);
        });
      }
    }
  }
});

test('images: 0..1 for mnist-cnn, ImageNet-normalised RGB for CNNs, PaddleOCR -1..1 for OCR, detector sides multiples of 32', () => {
  const [grey] = getWorkload('mnist-digits').createSampleStream(inputsOf('mnist-cnn'), { seed: 1 }).next();
  const [lo, hi] = range(grey!);
  assert.ok(lo === 0 && hi > 0.9 && hi <= 1, `0..1, got ${lo}..${hi}`);
  const [rgb] = getWorkload('mnist-digits').createSampleStream(inputsOf('resnet18'), { seed: 1 }).next();
  assert.deepEqual(rgb!.shape, [1, 3, 224, 224]);
  const data = rgb!.data as Float32Array;
  const plane = 224 * 224;
  // Background 0 on each channel becomes -mean/std: -2.118 (R), -2.036 (G), -1.804 (B).
  assert.ok(Math.abs(data[0]! + 0.485 / 0.229) < 1e-5 && Math.abs(data[plane]! + 0.456 / 0.224) < 1e-5 && Math.abs(data[2 * plane]! + 0.406 / 0.225) < 1e-5);
  for (const model of ['ocr-det', 'ocr-rec', 'ocr-cls']) {
    const [strip] = getWorkload('mnist-strips').createSampleStream(inputsOf(model), { seed: 2, batchSize: 4 }).next();
    const [min, max] = range(strip!);
    assert.ok(min >= -1 && min < -0.9 && max === 1, `${model}: ink near -1, paper 1, got ${min}..${max}`);
    if (model === 'ocr-det') assert.ok(strip!.shape[2]! % 32 === 0 && strip!.shape[3]! % 32 === 0, `${strip!.shape}`);
    if (model === 'ocr-rec') assert.equal(strip!.shape[2], 48);
  }
});

test('text: single requests are unpadded, batches pad to their longest, lengths follow the data', () => {
  const workload = getWorkload('sentiment-sentences');
  const single = workload.createSampleStream(inputsOf('bert-tiny'), { seed: 9, modelName: 'bert-tiny' });
  for (let i = 0; i < 50; i++) {
    const [ids, mask] = single.next();
    const values = Array.from(ids!.data as BigInt64Array, Number);
    assert.equal(values[0], CLS_ID);
    assert.equal(values.at(-1), SEP_ID);
    assert.ok(!values.includes(0), 'no padding in a single request');
    assert.ok(Array.from(mask!.data as BigInt64Array).every((v) => v === 1n));
  }
  const batched = workload.createSampleStream(inputsOf('sentiment-cls'), { seed: 9, batchSize: 8, modelName: 'sentiment-cls' });
  const [ids, mask] = batched.next();
  const [rows, width] = ids!.shape as [number, number];
  const lengths = Array.from({ length: rows }, (_, r) => Array.from((mask!.data as BigInt64Array).subarray(r * width, (r + 1) * width)).filter((v) => v === 1n).length);
  assert.equal(Math.max(...lengths), width, 'padded to the longest in this batch only');
  assert.ok(Math.min(...lengths) < width);
  assert.ok(!Array.from(ids!.data as BigInt64Array).slice(0, lengths[0]).includes(BigInt(CLS_ID)), 'sentiment-cls: no [CLS]');

  const described = workload.describe(inputsOf('bert-tiny'), { modelName: 'bert-tiny' });
  const expected = distributionOf(loadSentiment().samples.map((s) => tokenize(s.text).length));
  assert.deepEqual({ ...described.sequenceLength, unit: undefined }, { ...expected, unit: undefined });
  assert.equal(described.sequenceLength!.unit, 'tokens');
  assert.ok(expected.p50 >= 10 && expected.p50 <= 20 && expected.max > 60, `sentences are short with a long tail: ${JSON.stringify(expected)}`);
  assert.deepEqual(described.payloadBytes, distributionOf(loadSentiment().samples.map((s) => tokenize(s.text).length * 16)));
});

test('text: long emails are cut at 512 tokens keeping [SEP] last; a fixed sequence axis pads or cuts to it', () => {
  const spam = getWorkload('spam-emails').describe();
  assert.equal(spam.sequenceLength!.max, 512);
  assert.ok(spam.untruncatedLength!.max > 10000 && spam.untruncatedLength!.p90 > 512);
  const fixed: TensorSpec[] = [
    { name: 'input_ids', datatype: 'INT32', shape: [-1, 64] },
    { name: 'token_type_ids', datatype: 'INT32', shape: [-1, 64] },
  ];
  const [ids, types] = getWorkload('spam-emails').createSampleStream(fixed, { seed: 1, batchSize: 2 }).next();
  assert.deepEqual(ids!.shape, [2, 64]);
  assert.ok(ids!.data instanceof Int32Array && (types!.data as Int32Array).every((v) => v === 0));
});

test('time series: standardised windows of the 4 features, window length from the model or the option', () => {
  const workload = getWorkload('seattle-weather');
  const [window] = workload.createSampleStream(inputsOf('lstm-forecaster'), { seed: 4 }).next();
  assert.deepEqual(window!.shape, [1, 30, 4]);
  const [min, max] = range(window!);
  assert.ok(min > -5 && max < 10 && max - min > 0.5, `standardised values, got ${min}..${max}`);
  const fixed = workload.createSampleStream([{ name: 'input', datatype: 'FP32', shape: [-1, 7, 4] }], { seed: 4, batchSize: 2 });
  assert.deepEqual(fixed.next()[0]!.shape, [2, 7, 4]);
  assert.equal(workload.describe([{ name: 'input', datatype: 'FP32', shape: [-1, 7, 4] }]).samples, 1461 - 7 + 1);
  assert.throws(() => workload.createSampleStream(inputsOf('lstm-forecaster'), { seed: 1, windowLength: 5000 }), /window length must be an integer in 1\.\.1461/);
});

const speech = asteriskSpeechAvailability();
test('speech: VAD windows of 32 + 256 samples at 8 kHz, zero state, sr scalar', { skip: speech.available ? false : speech.reason }, () => {
  const stream = getWorkload('speech-commands').createSampleStream(inputsOf('silero-vad'), { seed: 1, batchSize: 2 });
  const [audio, state, sr] = stream.next();
  assert.deepEqual(audio!.shape, [2, 288]);
  assert.deepEqual(state!.shape, [2, 2, 128]);
  assert.ok((state!.data as Float32Array).every((v) => v === 0));
  assert.deepEqual(sr!.shape, []);
  assert.deepEqual(Array.from(sr!.data as BigInt64Array), [8000n]);
  const wide: TensorSpec[] = [{ ...inputsOf('silero-vad')[0]!, shape: [-1, 576] }, ...inputsOf('silero-vad').slice(1)];
  const [audio16k, , sr16k] = getWorkload('speech-commands').createSampleStream(wide, { seed: 1 }).next();
  assert.deepEqual(audio16k!.shape, [1, 576]);
  assert.deepEqual(Array.from(sr16k!.data as BigInt64Array), [16000n]);
  assert.equal(getWorkload('speech-commands').describe().samples > 40000, true);
});
