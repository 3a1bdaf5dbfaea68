import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discretize } from '../../../src/plan/discretize.js';
import { renderTemplate, templatePlaceholders } from '../../../src/plan/launch-template.js';
import { ServelabError } from '../../../src/core/errors.js';

test('linear levels are evenly spaced with exact ends', () => {
  assert.deepEqual(discretize({ range: [0, 1], scale: 'linear', levels: 5 }, { integer: false }), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(discretize({ range: [0.1, 0.3], scale: 'linear', levels: 3 }, { integer: false }), [0.1, 0.2, 0.3]);
  assert.deepEqual(discretize({ range: [1, 10], scale: 'linear', levels: 4 }, { integer: true }), [1, 4, 7, 10]);
});

test('log levels are geometric; integer rounding merges duplicates and keeps order', () => {
  assert.deepEqual(discretize({ range: [1, 1000], scale: 'log', levels: 4 }, { integer: false }), [1, 10, 100, 1000]);
  assert.deepEqual(discretize({ range: [1, 4], scale: 'log', levels: 8 }, { integer: true }), [1, 2, 3, 4]);
  assert.deepEqual(discretize({ range: [100, 10000], scale: 'log', levels: 3 }, { integer: true }), [100, 1000, 10000]);
});

test('pow2 gives the powers of two in range, optionally thinned evenly by exponent', () => {
  assert.deepEqual(discretize({ range: [1, 64], scale: 'pow2' }, { integer: true }), [1, 2, 4, 8, 16, 32, 64]);
  assert.deepEqual(discretize({ range: [3, 100], scale: 'pow2' }, { integer: true }), [4, 8, 16, 32, 64]);
  assert.deepEqual(discretize({ range: [1, 64], scale: 'pow2', levels: 4 }, { integer: true }), [1, 4, 16, 64]);
  assert.deepEqual(discretize({ range: [0.25, 1], scale: 'pow2' }, { integer: false }), [0.25, 0.5, 1]);
});

test('single-point ranges and fractional bounds on integer knobs', () => {
  assert.deepEqual(discretize({ range: [8, 8], scale: 'linear', levels: 1 }, { integer: true }), [8]);
  assert.deepEqual(discretize({ range: [0.5, 3.5], scale: 'linear', levels: 4 }, { integer: true }), [1, 2, 3]);
});

test('impossible ranges are rejected with the rule and the values', () => {
  const rejects = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (error: unknown) => error instanceof ServelabError && pattern.test(error.message));
  rejects(() => discretize({ range: [5, 1], scale: 'linear', levels: 2 }, { integer: true }), /low <= high must hold, but got \(low=5, high=1\)/);
  rejects(() => discretize({ range: [0, 8], scale: 'log', levels: 3 }, { integer: false }), /log scale needs low > 0/);
  rejects(() => discretize({ range: [5, 7], scale: 'pow2' }, { integer: true }), /no power of two lies in \[5, 7\]/);
  rejects(() => discretize({ range: [1, 8], scale: 'linear' }, { integer: true }), /needs a level count/);
  rejects(() => discretize({ range: [1, 8], scale: 'linear', levels: 1 }, { integer: true }), /at least 2 levels/);
  rejects(() => discretize({ range: [0.2, 0.8], scale: 'linear', levels: 3 }, { integer: true }), /an integer knob needs an integer inside/);
  rejects(() => discretize({ range: [1, Infinity], scale: 'linear', levels: 3 }, { integer: false }), /finite/);
});

test('launch templates list their placeholders and render knob values', () => {
  const template = 'tfs --port={port} --batching={batching.enabled} --threads={ort.intraOpThreads} --json={{"a":1}}';
  assert.deepEqual(templatePlaceholders(template), ['port', 'batching.enabled', 'ort.intraOpThreads']);
  assert.equal(
    renderTemplate(template, { port: 8501, 'batching.enabled': true, 'ort.intraOpThreads': 2 }),
    'tfs --port=8501 --batching=true --threads=2 --json={"a":1}',
  );
  assert.throws(() => renderTemplate(template, { port: 1 }), /no value for placeholder \{batching\.enabled\}/);
});
