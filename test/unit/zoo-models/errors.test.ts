import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServelabError } from '../../../src/core/errors.js';
import { MODEL_NAMES, resolveModel } from '../../../src/zoo/models/registry.js';
import { readTrainedMetadata } from '../../../src/zoo/models/trained-metadata.js';
import { GraphBuilder } from '../../../src/zoo/onnx/graph-builder.js';
import { encodeModel, OnnxDataType } from '../../../src/zoo/onnx/onnx-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'servelab-zoo-errors-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function expectError(code: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ServelabError, `a ServelabError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  };
}

test('an unknown model name is not-found and lists the known names', async () => {
  await assert.rejects(resolveModel('resnet-9000'), expectError('not-found', /unknown model 'resnet-9000'.*resnet18.*silero-vad.*sentiment-cls/));
  assert.equal(MODEL_NAMES.length, 13);
});

test('a missing .onnx file is not-found, naming the path', async () => {
  const path = join(dir, 'absent.onnx');
  await assert.rejects(resolveModel(path), expectError('not-found', new RegExp(`'${path}' does not exist`)));
  await assert.rejects(resolveModel(dir), expectError('not-found', /is not readable/));
});

test('corrupt, empty and non-model files are invalid-input with the reason', async () => {
  const garbage = join(dir, 'garbage.onnx');
  writeFileSync(garbage, Buffer.from('this is not a protobuf message at all \xff\xff\xff'));
  await assert.rejects(resolveModel(garbage), expectError('invalid-input', /garbage\.onnx' is not a valid ONNX model \(.+\): expected a serialized onnx\.ModelProto/));
  const empty = join(dir, 'empty.onnx');
  writeFileSync(empty, '');
  await assert.rejects(resolveModel(empty), expectError('invalid-input', /empty file/));
  const noGraph = join(dir, 'no-graph.onnx');
  writeFileSync(noGraph, encodeModel({ irVersion: 8, producerName: 'x' }));
  await assert.rejects(resolveModel(noGraph), expectError('invalid-input', /no graph with nodes and outputs/));
  const truncated = join(dir, 'truncated.onnx');
  const { path } = await resolveModel('mnist-cnn');
  const bytes = (await import('node:fs')).readFileSync(path);
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
  await assert.rejects(resolveModel(truncated), expectError('invalid-input', /truncated\.onnx' is not a valid ONNX model/));
});

test('a model whose input type servelab cannot carry (float16) is unsupported, naming the type', async () => {
  const path = join(dir, 'half.onnx');
  const b = new GraphBuilder({ graphName: 'half', seed: 1, withWeights: true });
  const x = b.input('x', OnnxDataType.FLOAT16, ['n', 4], [1, 4]);
  b.output(b.op('Relu', [x]), 'y', OnnxDataType.FLOAT16, ['n', 4]);
  writeFileSync(path, encodeModel(b.finish('half precision')));
  await assert.rejects(resolveModel(path), expectError('unsupported', /half\.onnx' has an input or output servelab cannot serve \(unsupported ONNX element type 10\)/));
});

test('trained-model metadata is validated field by field', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ name: 'x', accuracy: { value: 2 } }));
  assert.throws(() => readTrainedMetadata(bad), expectError('invalid-input', /script: .*accuracy\.value: Too big/));
  assert.throws(() => readTrainedMetadata(join(dir, 'none.json')), expectError('unavailable', /missing or not JSON/));
});

test('an unwritable cache folder is a one-line error naming SERVELAB_CACHE_DIR', async () => {
  const previous = process.env.SERVELAB_CACHE_DIR;
  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, 'x');
  process.env.SERVELAB_CACHE_DIR = join(blocker, 'cache');
  try {
    await assert.rejects(resolveModel('lstm-forecaster'), expectError('unavailable', /cannot write generated model .*lstm-forecaster.*set SERVELAB_CACHE_DIR/));
  } finally {
    if (previous === undefined) delete process.env.SERVELAB_CACHE_DIR;
    else process.env.SERVELAB_CACHE_DIR = previous;
  }
});

test('configurable encoder names are validated', async () => {
  await assert.rejects(resolveModel('bert-L2-H100-A3'), expectError('invalid-input', /hidden 100 \(expected 8\.\.2048, divisible by the 3 heads\)/));
  await assert.rejects(resolveModel('bert-L0-H128-A2-S1024'), expectError('invalid-input', /layers 0 .*sequence 1024/));
});
