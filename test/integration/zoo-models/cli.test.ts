import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { servelab } from '../../support/cli.js';
import { MODEL_NAMES } from '../../../src/zoo/models/registry.js';

test('servelab models --json: one object per model with the card fields', async () => {
  const { code, stdout } = await servelab('models', '--json');
  assert.equal(code, 0);
  const models = JSON.parse(stdout) as Record<string, unknown>[];
  assert.deepEqual(models.map((m) => m.name), [...MODEL_NAMES]);
  for (const model of models) {
    for (const key of ['name', 'task', 'modality', 'weights', 'params', 'flops', 'inputs', 'outputs', 'source', 'licence']) {
      assert.ok(key in model, `${String(model.name)}.${key}`);
    }
    assert.equal('accuracy' in model, model.weights === 'trained', `${String(model.name)} accuracy only where measured`);
  }
  const resnet = models.find((m) => m.name === 'resnet18')!;
  assert.deepEqual(resnet.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 224, 224] }]);
  assert.equal(resnet.weights, 'synthetic');
});

test('servelab models prints a table; models show prints one card', async () => {
  const table = await servelab('models');
  assert.equal(table.code, 0);
  assert.match(table.stdout, /^NAME +TASK +MODALITY +WEIGHTS +PARAMS +GFLOPS +INPUTS/);
  assert.match(table.stdout, /\nresnet50 .* synthetic +25\.56M +8\.22 +input:FP32\[-1,3,224,224\]/);
  const show = await servelab('models', 'show', 'sentiment-cls');
  assert.equal(show.code, 0);
  assert.match(show.stdout, /accuracy +0\.\d{4} on sentiment held-out 20% \(600 samples\)/);
  const json = await servelab('models', 'show', 'silero-vad', '--json');
  assert.equal(JSON.parse(json.stdout).licence, 'MIT');
});

test('servelab models show: unknown names and corrupt files fail with one line and exit 1', async () => {
  const unknown = await servelab('models', 'show', 'gpt-7');
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr.trim().split('\n').length, 1);
  assert.match(unknown.stderr, /^servelab: unknown model 'gpt-7': expected a zoo model \(resnet18, /);
  const dir = mkdtempSync(join(tmpdir(), 'servelab-cli-models-'));
  try {
    const corrupt = join(dir, 'broken.onnx');
    writeFileSync(corrupt, 'not onnx');
    const result = await servelab('models', 'show', corrupt);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^servelab: model file '.*broken\.onnx' is not a valid ONNX model/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
