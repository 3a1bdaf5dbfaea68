import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKserveInfer } from '../../../src/server/protocols/http/kserve-codec.js';
import { encodeTfPredict, parseTfPredict } from '../../../src/server/protocols/http/tfserving-codec.js';
import { bytesFromTyped, typedFromBytes } from '../../../src/server/protocols/json-tensors.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

test('TF Serving rows: one input as nested rows, named inputs, and {"b64"} binary values', () => {
  const specs = [{ name: 'x', datatype: 'FP32' as const, shape: [-1, 2] }];
  const rows = parseTfPredict(json({ instances: [[1, 2], [3, 4]] }), specs);
  assert.equal(rows.format, 'row');
  assert.deepEqual(rows.inputs[0]!.shape, [2, 2]);
  assert.deepEqual([...(rows.inputs[0]!.data as Float32Array)], [1, 2, 3, 4]);

  const two = [{ name: 'ids', datatype: 'INT64' as const, shape: [-1, -1] }, { name: 'mask', datatype: 'INT64' as const, shape: [-1, -1] }];
  const named = parseTfPredict(json({ instances: [{ ids: [1, 2], mask: [1, 1] }, { ids: [3, 4], mask: [1, 0] }] }), two);
  assert.deepEqual(named.inputs.map((t) => t.shape), [[2, 2], [2, 2]]);
  assert.deepEqual([...(named.inputs[1]!.data as BigInt64Array)], [1n, 1n, 1n, 0n]);
  assert.throws(() => parseTfPredict(json({ instances: [{ ids: [1] }, { mask: [1] }] }), two), /instances\[1\] lacks input 'ids'/);

  const text = [{ name: 'text', datatype: 'BYTES' as const, shape: [-1] }];
  const b64 = parseTfPredict(json({ instances: [{ b64: Buffer.from('hi').toString('base64') }, 'there'] }), text);
  assert.deepEqual(b64.inputs[0]!.data, ['hi', 'there']);
  const columnar = parseTfPredict(json({ inputs: { ids: [[5, 6]], mask: [[1, 1]] } }), two);
  assert.equal(columnar.format, 'columnar');
  assert.throws(() => parseTfPredict(json({ inputs: [[1, 2]] }), two), /the model has 2 inputs/);
});

test('TF Serving responses: predictions per row (one object per row for several outputs) or columnar outputs', () => {
  const scores = { name: 'scores', datatype: 'FP32' as const, shape: [2, 2], data: Float32Array.from([0.25, 0.75, 0.5, 0.5]) };
  const labels = { name: 'labels', datatype: 'INT64' as const, shape: [2], data: BigInt64Array.from([1n, 0n]) };
  assert.deepEqual(JSON.parse(encodeTfPredict([scores], 'row')), { predictions: [[0.25, 0.75], [0.5, 0.5]] });
  assert.deepEqual(JSON.parse(encodeTfPredict([scores, labels], 'row')), { predictions: [{ scores: [0.25, 0.75], labels: 1 }, { scores: [0.5, 0.5], labels: 0 }] });
  assert.deepEqual(JSON.parse(encodeTfPredict([scores, labels], 'columnar')), { outputs: { scores: [[0.25, 0.75], [0.5, 0.5]], labels: [1, 0] } });
});

test('KServe binary tensors: BYTES elements with length prefixes, unaligned data, and every size mismatch', () => {
  const words = bytesFromTyped(['ab', 'cde']);
  assert.deepEqual(typedFromBytes(words, 'BYTES', [2], 'w'), ['ab', 'cde']);
  assert.throws(() => typedFromBytes(words.subarray(0, 7), 'BYTES', [2], 'w'), /w: BYTES element 1 is truncated/);
  assert.throws(() => typedFromBytes(words, 'BYTES', [3], 'w'), /2 BYTES elements, but shape \[3\] needs 3/);
  const unaligned = Buffer.alloc(9);
  unaligned.writeFloatLE(1.5, 1);
  unaligned.writeFloatLE(-2, 5);
  assert.deepEqual([...(typedFromBytes(unaligned.subarray(1), 'FP32', [2], 'x') as Float32Array)], [1.5, -2]);

  const header = json({ inputs: [{ name: 'x', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 8 } }] });
  const body = Buffer.concat([header, unaligned.subarray(1)]);
  const parsed = parseKserveInfer(body, header.length);
  assert.deepEqual([...(parsed.inputs[0]!.data as Float32Array)], [1.5, -2]);
  assert.throws(() => parseKserveInfer(Buffer.concat([body, Buffer.alloc(4)]), header.length), /4 bytes beyond the inputs' binary_data_size total/);
  assert.throws(() => parseKserveInfer(header, undefined), /binary_data_size but the request lacks the Inference-Header-Content-Length header/);
  assert.throws(() => parseKserveInfer(json({ inputs: [] }), undefined), /non-empty "inputs" array/);
  assert.throws(() => parseKserveInfer(json({ inputs: [{ name: 'x', shape: [1.5], datatype: 'FP32', data: [1] }] }), undefined), /shape must be an array of non-negative integers/);
  assert.throws(() => parseKserveInfer(json({ inputs: [{ name: 'x', shape: [1], datatype: 'INT64', data: [0.5] }] }), undefined), /element 0 is 0.5, expected an integer/);
});
