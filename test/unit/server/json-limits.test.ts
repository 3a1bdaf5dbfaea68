import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServelabError } from '../../../src/core/errors.js';
import { parseKserveInfer } from '../../../src/server/protocols/http/kserve-codec.js';
import { encodeTfPredict, parseTfPredict } from '../../../src/server/protocols/http/tfserving-codec.js';
import { MAX_JSON_DEPTH, assertJsonDepth, parseRequestJson } from '../../../src/server/protocols/json-depth.js';
import { jsonFromTyped, typedFromJson } from '../../../src/server/protocols/json-tensors.js';

const bytes = (text: string) => Buffer.from(text);
const nested = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);
const tooDeep = (error: unknown) => error instanceof ServelabError && error.code === 'invalid-input' && /nests deeper than the limit of 64 levels/.test(error.message);

test('JSON depth: up to the limit passes, one level more is refused naming the limit', () => {
  assert.equal(MAX_JSON_DEPTH, 64);
  assertJsonDepth(bytes(nested(64)));
  assert.throws(() => assertJsonDepth(bytes(nested(65))), tooDeep);
  assert.throws(() => assertJsonDepth(bytes('{"a":'.repeat(65) + '1' + '}'.repeat(65))), tooDeep);
  assert.throws(() => assertJsonDepth(bytes(nested(3)), 2), /limit of 2 levels/);
  // Siblings do not add up: depth is the deepest path, not the number of brackets.
  assertJsonDepth(bytes(JSON.stringify(Array.from({ length: 1000 }, () => [[1, 2], [3]]))));
});

test('JSON depth: brackets inside strings, escaped quotes and multi-byte text do not count', () => {
  assertJsonDepth(bytes(JSON.stringify({ text: '['.repeat(500), quoted: 'say \\"[[[[\\" ' + '{'.repeat(200), unicode: 'Ω[≠]'.repeat(100) })));
  assertJsonDepth(bytes(JSON.stringify(['\\', '[[[['.repeat(100)])));
  // An escaped quote does not end the string, so the brackets after it stay inside it.
  assertJsonDepth(bytes(`["\\"${'['.repeat(100)}"]`));
  assert.throws(() => assertJsonDepth(bytes(`["\\\\"${'['.repeat(100)}`)), tooDeep, 'an escaped backslash does end the string');
});

test('a 20 MB body of 10 million nested arrays is refused before JSON.parse, from its first bytes', () => {
  const depth = 10_000_000;
  const body = Buffer.alloc(depth * 2);
  body.fill(0x5b, 0, depth);
  body.fill(0x5d, depth);
  assert.throws(() => parseRequestJson(body), (error: unknown) => tooDeep(error) && /\(byte 64\)/.test((error as Error).message));
  assert.throws(() => parseKserveInfer(Buffer.from(`{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":${nested(100)}}]}`), undefined), tooDeep);
  const specs = [{ name: 'x', datatype: 'FP32' as const, shape: [-1] }];
  assert.throws(() => parseTfPredict(Buffer.from(`{"instances":${nested(100)}}`), specs), tooDeep);
  // A real tensor nests far less: a rank-8 TF Serving row body passes.
  assert.equal(parseTfPredict(Buffer.from(`{"instances":${nested(8)}}`), specs).inputs[0]!.shape.length, 8);
  assert.throws(() => parseRequestJson(bytes('{"inputs": [')), /malformed JSON in the request body/);
});

test('JSON input: numbers that are not finite in their datatype are refused, strings are not numbers', () => {
  const refuse = (values: unknown[], datatype: 'FP32' | 'FP64', pattern: RegExp) =>
    assert.throws(() => typedFromJson(values, datatype, "input 'x'"), (error: unknown) => error instanceof ServelabError && error.code === 'invalid-input' && pattern.test(error.message));
  // 1e999 parses to Infinity: it used to be stored as Infinity (and come back as null).
  refuse(JSON.parse('[1, 1e999]') as unknown[], 'FP32', /element 1 is Infinity, expected a finite number within ±3\.4028234663852886e\+38 \(JSON has no NaN or Infinity\)/);
  refuse(JSON.parse('[-1e999]') as unknown[], 'FP64', /element 0 is -Infinity, expected a finite number/);
  refuse([1e39], 'FP32', /element 0 is 1e\+39, expected a finite number within ±3\.40/);
  refuse(['NaN'], 'FP32', /element 0 is "NaN", expected a finite number/);
  refuse(['Infinity'], 'FP64', /element 0 is "Infinity"/);
  assert.deepEqual([...(typedFromJson([1e39, -3.4e38], 'FP64', 'x') as Float64Array)], [1e39, -3.4e38]);
  assert.deepEqual([...(typedFromJson([3.4028234663852886e38], 'FP32', 'x') as Float32Array)], [3.4028234663852886e38]);
  // gRPC typed contents carry IEEE floats, so they may hold NaN and Infinity.
  assert.deepEqual([...(typedFromJson([NaN, Infinity], 'FP32', 'x', { allowNonFinite: true }) as Float32Array)], [NaN, Infinity]);
  assert.throws(() => parseKserveInfer(Buffer.from('{"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[1,1e400]}]}'), undefined), /input 'x': element 1 is Infinity/);
});

test('JSON output: NaN and ±Infinity are the strings "NaN", "Infinity", "-Infinity", never null', () => {
  const special = Float32Array.from([NaN, Infinity, -Infinity, 1.5]);
  assert.deepEqual(jsonFromTyped(special, 'FP32'), ['NaN', 'Infinity', '-Infinity', 1.5]);
  assert.deepEqual(jsonFromTyped(Float64Array.from([-Infinity, 0]), 'FP64'), ['-Infinity', 0]);
  assert.deepEqual(jsonFromTyped(Float32Array.from([0.5, 2]), 'FP32'), [0.5, 2]);
  const scores = { name: 'scores', datatype: 'FP32' as const, shape: [2, 2], data: special };
  assert.deepEqual(JSON.parse(encodeTfPredict([scores], 'row')), { predictions: [['NaN', 'Infinity'], ['-Infinity', 1.5]] });
  assert.ok(!encodeTfPredict([scores], 'columnar').includes('null'));
});
