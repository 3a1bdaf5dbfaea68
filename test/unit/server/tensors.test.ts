import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor } from '../../../src/core/tensor.js';
import { assembleBatch, batchGroupKey, splitOutputs } from '../../../src/server/batch-assembly.js';
import { ResponseCache, cacheKey } from '../../../src/server/cache.js';
import { readSignature } from '../../../src/server/signature.js';

const meta = (name: string, ortType: string, dims: (number | string)[]) => ({ name, ortType, dims });

test('batch axes come from the model metadata: named axes, leading dynamic axes, shared scalars', () => {
  const silero16k = readSignature(
    [meta('input', 'float32', ['batch', 'sequence']), meta('state', 'float32', [2, 'batch', 128]), meta('sr', 'int64', [])],
    [meta('output', 'float32', ['batch', 1]), meta('stateN', 'float32', ['AddstateN_dim_0', 'batch', 'AddstateN_dim_2'])],
  );
  assert.equal(silero16k.batchable, true);
  assert.deepEqual(silero16k.inputs.map((t) => t.batchAxis), [0, 1, 'shared']);
  assert.deepEqual(silero16k.outputs.map((t) => t.batchAxis), [0, 1]);
  assert.deepEqual(silero16k.inputs[1]!.shape, [2, -1, 128]);

  const sileroV6 = readSignature(
    [meta('input', 'float32', ['', '']), meta('state', 'float32', [2, '', 128]), meta('sr', 'int64', [])],
    [meta('output', 'float32', ['', 1]), meta('stateN', 'float32', ['', '', ''])],
  );
  assert.equal(sileroV6.batchable, false);
  assert.match(sileroV6.notBatchableReason!, /cannot tell the batch axis of input 'state' \[2, \?, 128\]/);

  const fixed = readSignature([meta('state', 'float32', [2, '', 128])], [meta('y', 'float32', ['', 1])], { state: 1 });
  assert.equal(fixed.batchable, true, 'batchAxes in the model configuration override the metadata');
  assert.equal(fixed.inputs[0]!.batchAxis, 1);
});

const f32 = (name: string, shape: number[], values: number[]): Tensor => ({ name, datatype: 'FP32', shape, data: Float32Array.from(values) });

test('requests stack along axis 0 and along an inner batch axis, and split back', () => {
  const signature = readSignature(
    [meta('x', 'float32', ['batch', 2]), meta('state', 'float32', [2, 'batch', 1]), meta('sr', 'int64', [])],
    [meta('y', 'float32', ['batch', 2]), meta('stateN', 'float32', [2, 'batch', 1])],
  );
  const sr: Tensor = { name: 'sr', datatype: 'INT64', shape: [], data: BigInt64Array.from([16000n]) };
  const a = { inputs: [f32('x', [1, 2], [1, 2]), f32('state', [2, 1, 1], [10, 20]), sr], batchSize: 1 };
  const b = { inputs: [f32('x', [2, 2], [3, 4, 5, 6]), f32('state', [2, 2, 1], [30, 40, 50, 60]), sr], batchSize: 2 };
  const [x, state, shared] = assembleBatch(signature, [a, b]);
  assert.deepEqual(x!.shape, [3, 2]);
  assert.deepEqual([...(x!.data as Float32Array)], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(state!.shape, [2, 3, 1]);
  assert.deepEqual([...(state!.data as Float32Array)], [10, 30, 40, 20, 50, 60]);
  assert.equal(shared, sr);
  const split = splitOutputs(signature, [{ ...x!, name: 'y' }, { ...state!, name: 'stateN' }], [a, b]);
  assert.deepEqual([...(split[0]![1]!.data as Float32Array)], [10, 20]);
  assert.deepEqual([...(split[1]![1]!.data as Float32Array)], [30, 40, 50, 60]);
  assert.deepEqual(split[1]![0]!.shape, [2, 2]);
  assert.throws(() => splitOutputs(signature, [f32('y', [2, 2], [0, 0, 0, 0])], [a, b]), /no batch axis of size 3/);
});

test('variable-length inputs: padded with zeros to the longest, or grouped by equal length', () => {
  const signature = readSignature([meta('input_ids', 'int64', ['batch', 'seq'])], [meta('score', 'float32', ['batch', 1])]);
  const ids = (values: bigint[]): Tensor => ({ name: 'input_ids', datatype: 'INT64', shape: [1, values.length], data: BigInt64Array.from(values) });
  const short = { inputs: [ids([1n, 2n])], batchSize: 1 };
  const long = { inputs: [ids([3n, 4n, 5n])], batchSize: 1 };
  const [padded] = assembleBatch(signature, [short, long]);
  assert.deepEqual(padded!.shape, [2, 3]);
  assert.deepEqual([...(padded!.data as BigInt64Array)], [1n, 2n, 0n, 3n, 4n, 5n]);
  assert.equal(batchGroupKey(signature, short.inputs, 'pad'), batchGroupKey(signature, long.inputs, 'pad'));
  assert.notEqual(batchGroupKey(signature, short.inputs, 'equal-length'), batchGroupKey(signature, long.inputs, 'equal-length'));
});

test('the response cache is an LRU bounded in bytes, keyed by model and input bytes', () => {
  const entryBytes = 400 + ResponseCache.ENTRY_OVERHEAD_BYTES;
  const cache = new ResponseCache(entryBytes * 2);
  const out = [f32('y', [100], new Array(100).fill(1))];
  cache.set('a', out);
  cache.set('b', out);
  assert.ok(cache.get('a'), 'a becomes most recently used');
  cache.set('c', out);
  assert.equal(cache.get('b'), undefined, 'the least recently used entry is evicted');
  assert.ok(cache.get('a'));
  assert.ok(cache.get('c'));
  assert.ok(cache.usedBytes <= entryBytes * 2);
  cache.set('huge', [f32('y', [10000], new Array(10000).fill(0))]);
  assert.equal(cache.get('huge'), undefined, 'an entry larger than the capacity is not kept');

  const x = [f32('x', [2], [1, 2])];
  assert.equal(cacheKey('m', x), cacheKey('m', [f32('x', [2], [1, 2])]));
  assert.notEqual(cacheKey('m', x), cacheKey('other', x));
  assert.notEqual(cacheKey('m', x), cacheKey('m', [f32('x', [2], [1, 3])]));
  assert.notEqual(cacheKey('m', x), cacheKey('m', [f32('x', [1, 2], [1, 2])]));
});

test('after padding, outputs along a padded axis are cut back to each request length', () => {
  const signature = readSignature([meta('input_ids', 'int64', ['batch', 'seq'])], [meta('tokens', 'float32', ['batch', 'seq', 2])]);
  const ids = (length: number): Tensor => ({ name: 'input_ids', datatype: 'INT64', shape: [1, length], data: new BigInt64Array(length) });
  const members = [{ inputs: [ids(2)], batchSize: 1 }, { inputs: [ids(3)], batchSize: 1 }];
  const padded = f32('tokens', [2, 3, 2], [1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 9, 10]);
  const [short, long] = splitOutputs(signature, [padded], members);
  assert.deepEqual(short![0]!.shape, [1, 2, 2]);
  assert.deepEqual([...(short![0]!.data as Float32Array)], [1, 2, 3, 4]);
  assert.deepEqual(long![0]!.shape, [1, 3, 2]);
  assert.deepEqual([...(long![0]!.data as Float32Array)], [5, 6, 7, 8, 9, 10]);
});
