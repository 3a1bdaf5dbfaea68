import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servelab } from '../../support/cli.js';

test('servelab workloads --json: one object per workload with its dataset, samples, models and distributions', async () => {
  const { code, stdout } = await servelab('workloads', '--json');
  assert.equal(code, 0);
  const workloads = JSON.parse(stdout) as Record<string, unknown>[];
  assert.deepEqual(workloads.map((w) => w.name), [
    'mnist-digits', 'mnist-strips', 'fashion-mnist', 'sentiment-sentences', 'spam-emails', 'seattle-weather', 'sp500', 'speech-commands',
  ]);
  for (const workload of workloads) {
    for (const key of ['name', 'dataset', 'modality', 'samples', 'fitsModels', 'available']) assert.ok(key in workload, `${String(workload.name)}.${key}`);
    if (workload.available) assert.ok(workload.payloadBytes, `${String(workload.name)} has a payload distribution`);
    else assert.match(String(workload.unavailableReason), /apt-get install/);
  }
  const sentences = workloads.find((w) => w.name === 'sentiment-sentences')!;
  assert.equal(sentences.samples, 3000);
  assert.deepEqual(Object.keys(sentences.sequenceLength as object), ['min', 'p50', 'p90', 'max', 'mean', 'unit']);
});

test('servelab workloads prints a table; show describes one workload for a model', async () => {
  const table = await servelab('workloads');
  assert.equal(table.code, 0);
  assert.match(table.stdout, /^NAME +DATASET +MODALITY +SAMPLES/);
  assert.match(table.stdout, /spam-emails +spam-assassin +text +6046 /);
  const show = await servelab('workloads', 'show', 'mnist-digits', '--model', 'resnet18', '--json');
  assert.equal(show.code, 0);
  const described = JSON.parse(show.stdout) as { inputsFrom: string; payloadBytes: { max: number } };
  assert.equal(described.inputsFrom, 'resnet18');
  assert.equal(described.payloadBytes.max, 3 * 224 * 224 * 4);
});

test('unknown workloads and mismatched models fail with one line and a non-zero exit', async () => {
  const unknown = await servelab('workloads', 'show', 'cifar10');
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr.trim().split('\n').length, 1);
  assert.match(unknown.stderr, /unknown workload 'cifar10': expected one of mnist-digits, /);
  const mismatch = await servelab('workloads', 'show', 'sp500', '--model', 'bert-tiny');
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stderr, /^servelab: workload 'sp500' does not fit model 'bert-tiny': expected one FP32 input \[batch, timesteps, 4 features\]/);
});
