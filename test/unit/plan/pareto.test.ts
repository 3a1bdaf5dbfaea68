import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dominates, hypervolume, paretoFrontIndices } from '../../../src/core/pareto.js';
import { minimizationVector } from '../../../src/plan/pareto.js';
import { createRng } from '../../../src/core/random.js';

test('dominance and the Pareto front', () => {
  assert.ok(dominates([1, 2], [2, 2]));
  assert.ok(!dominates([1, 2], [1, 2]));
  assert.ok(!dominates([1, 3], [2, 2]));
  assert.deepEqual(paretoFrontIndices([[1, 5], [2, 2], [3, 3], [5, 1], [2, 2]]), [0, 1, 3, 4]);
});

test('hypervolume matches hand-computed areas and volumes', () => {
  assert.equal(hypervolume([[1, 1]], [2, 2]), 1);
  assert.equal(hypervolume([[0, 2], [1, 1], [2, 0]], [3, 3]), 3 + 2 + 1);
  assert.equal(hypervolume([[0, 2], [1, 1], [2, 0], [2.5, 2.5]], [3, 3]), 6, 'a dominated point adds nothing');
  assert.equal(hypervolume([[4, 0]], [3, 3]), 0, 'points beyond the reference add nothing');
  assert.equal(hypervolume([[0, 0, 0]], [1, 2, 3]), 6);
  // Two unit-offset boxes in 3-D: union = 8 + 8 - overlap 4.
  assert.equal(hypervolume([[0, 0, 1], [0, 1, 0]], [2, 2, 3]), 2 * 2 * 2 + 2 * 1 * 3 - 2 * 1 * 2);
});

test('3-D hypervolume agrees with Monte Carlo', () => {
  const rng = createRng(5, 'hv');
  const points = Array.from({ length: 12 }, () => [rng.next(), rng.next(), rng.next()]);
  const exact = hypervolume(points, [1, 1, 1]);
  let inside = 0;
  const samples = 40_000;
  for (let i = 0; i < samples; i++) {
    const probe = [rng.next(), rng.next(), rng.next()];
    if (points.some((point) => point.every((value, j) => value <= probe[j]!))) inside++;
  }
  assert.ok(Math.abs(exact - inside / samples) < 0.01, `exact ${exact} vs MC ${inside / samples}`);
});

test('objective vectors negate maximized metrics and reject missing values', () => {
  const objectives = [{ metric: 'p99_ms', direction: 'min' as const }, { metric: 'achieved_rps', direction: 'max' as const }];
  assert.deepEqual(minimizationVector({ p99_ms: 3, achieved_rps: 100 }, objectives), [3, -100]);
  assert.equal(minimizationVector({ p99_ms: 3 }, objectives), undefined);
  assert.equal(minimizationVector({ p99_ms: NaN, achieved_rps: 1 }, objectives), undefined);
});
