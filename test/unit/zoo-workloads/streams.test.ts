import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServelabError } from '../../../src/core/errors.js';
import type { Tensor } from '../../../src/core/tensor.js';
import { ZOO_MODEL_INPUTS } from '../../../src/zoo/workloads/model-conventions.js';
import { getWorkload, listWorkloads } from '../../../src/zoo/workloads/registry.js';

const digest = (tensors: readonly Tensor[]): string =>
  tensors.map((t) => `${t.name}:${t.shape.join('x')}:${Array.from(t.data as ArrayLike<number | bigint>).join(',')}`).join('|');

test('equal seeds give equal request sequences; another seed gives another order', () => {
  const inputs = ZOO_MODEL_INPUTS['bert-tiny']!;
  const workload = getWorkload('sentiment-sentences');
  const run = (seed: number) => {
    const stream = workload.createSampleStream(inputs, { seed, batchSize: 4 });
    return Array.from({ length: 20 }, () => digest(stream.next()));
  };
  assert.deepEqual(run(11), run(11));
  assert.notDeepEqual(run(11), run(12));
});

test('a stream is endless and visits every sample once per epoch', () => {
  const workload = getWorkload('seattle-weather');
  const windows = 1461 - 1455 + 1;
  const stream = workload.createSampleStream(ZOO_MODEL_INPUTS['lstm-forecaster']!, { seed: 3, windowLength: 1455 });
  const epochs = [0, 1, 2].map(() => Array.from({ length: windows }, () => digest(stream.next())));
  for (const epoch of epochs) assert.equal(new Set(epoch).size, windows, 'each window once per epoch');
  assert.deepEqual([...epochs[0]!].sort(), [...epochs[1]!].sort());
  assert.notDeepEqual(epochs[0], epochs[1], 'each epoch is reshuffled');
});

test('bad batch sizes and fixed batch axes are refused with a clear message', () => {
  const workload = getWorkload('mnist-digits');
  assert.throws(() => workload.createSampleStream(ZOO_MODEL_INPUTS['mnist-cnn']!, { seed: 1, batchSize: 0 }), /batch size must be a positive integer, but got 0/);
  const fixedBatch = [{ name: 'input', datatype: 'FP32' as const, shape: [1, 1, 28, 28] }];
  assert.throws(() => workload.createSampleStream(fixedBatch, { seed: 1, batchSize: 8 }), /batch size 8 does not fit input FP32 \[1,1,28,28\]: its batch axis is fixed to 1/);
  assert.equal(workload.createSampleStream(fixedBatch, { seed: 1, batchSize: 1 }).next()[0]!.shape[0], 1);
});

test('a workload that does not fit the model says why, naming both sides', () => {
  const spam = getWorkload('spam-emails');
  const fit = spam.fits(ZOO_MODEL_INPUTS['resnet18']!);
  assert.equal(fit.ok, false);
  assert.match(fit.ok ? '' : fit.reason, /expected input_ids .* but the model has input FP32 \[-1,3,224,224\]/);
  assert.throws(
    () => spam.createSampleStream(ZOO_MODEL_INPUTS['resnet18']!, { seed: 1 }),
    (error: unknown) => error instanceof ServelabError && /^workload 'spam-emails' does not fit the model: expected input_ids/.test(error.message),
  );
  const digits = getWorkload('mnist-digits').fits(ZOO_MODEL_INPUTS['ocr-rec']!);
  assert.match(digits.ok ? '' : digits.reason, /fixed square input .* x FP32 \[-1,3,48,-1\] .*mnist-strips/);
  const strips = getWorkload('mnist-strips').fits(ZOO_MODEL_INPUTS['mnist-cnn']!);
  assert.match(strips.ok ? '' : strips.reason, /dynamic width or one at least twice the height/);
  const series = getWorkload('sp500').fits([{ name: 'input', datatype: 'FP32', shape: [-1, -1, 7] }]);
  assert.match(series.ok ? '' : series.reason, /4 features\], but the model's feature axis is 7/);
  const vad = getWorkload('speech-commands').fits(ZOO_MODEL_INPUTS['sentiment-cls']!);
  assert.match(vad.ok ? '' : vad.reason, /expected an FP32 audio window/);
});

test('unknown workload names list the known ones', () => {
  assert.throws(
    () => getWorkload('imagenet'),
    (error: unknown) =>
      error instanceof ServelabError && error.code === 'not-found' && error.message.includes(listWorkloads().map((w) => w.name).join(', ')),
  );
});

test('fitsModels follows the zoo conventions', () => {
  const fits = Object.fromEntries(listWorkloads().map((info) => [info.name, getWorkload(info.name).describe().fitsModels]));
  const cnns = ['resnet18', 'resnet50', 'mobilenetv2', 'squeezenet1_1', 'mnist-cnn'];
  assert.deepEqual(fits['mnist-digits'], cnns);
  assert.deepEqual(fits['fashion-mnist'], cnns);
  assert.deepEqual(fits['mnist-strips'], ['ocr-det', 'ocr-rec', 'ocr-cls']);
  assert.deepEqual(fits['sentiment-sentences'], ['bert-tiny', 'bert-mini', 'sentiment-cls']);
  assert.deepEqual(fits['spam-emails'], ['bert-tiny', 'bert-mini', 'sentiment-cls']);
  assert.deepEqual(fits['seattle-weather'], ['lstm-forecaster']);
  assert.deepEqual(fits.sp500, ['lstm-forecaster']);
  assert.deepEqual(fits['speech-commands'], ['silero-vad']);
});
