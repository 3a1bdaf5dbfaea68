import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTrials } from '../../../src/analysis/analyze.js';
import { hypervolume, paretoFrontIndices } from '../../../src/core/pareto.js';
import { createRng } from '../../../src/core/random.js';
import { rowsFrom } from '../../support/analysis/rows.js';

const objectives = [{ metric: 'p99_ms', direction: 'min' as const }, { metric: 'energy_j_per_inf', direction: 'min' as const }];
// (p99, energy) per configuration: a, b, c, d are the front; e and f are dominated.
const points: Record<string, [number, number]> = { a: [1, 5], b: [2, 3], c: [3, 2], d: [5, 1], e: [4, 4], f: [3, 3] };

test('the Pareto set, hypervolume with the documented reference point, and the knee', () => {
  const rows = rowsFrom(Object.entries(points).map(([name, [p99, energy]]) => ({ configuration: { k: name }, repetitions: [{ p99_ms: p99, energy_j_per_inf: energy }] })));
  const result = analyzeTrials(rows, { objectives, skipPrediction: true });
  const front = result.pareto[0]!;
  assert.deepEqual(front.front.map((m) => m.configuration.k).sort(), ['a', 'b', 'c', 'd']);
  assert.ok(front.front.every((m) => !m.withinNoise), 'no repetitions: nothing is within noise');
  // Reference: worst (5, 5) + 10% of the range (4, 4) = (5.4, 5.4). Strips: 4.4·0.4 + 3.4·2 + 2.4·1 + 0.4·1.
  assert.deepEqual(front.referencePoint, [5.4, 5.4]);
  assert.ok(Math.abs(front.hypervolume - 11.36) < 1e-9, `hypervolume ${front.hypervolume}`);
  // Normalized over ideal (1, 1) and reference (5.4, 5.4): area / 4.4².
  assert.ok(Math.abs(front.normalizedHypervolume - 11.36 / 4.4 ** 2) < 1e-9);
  // Normalized over the front, b and c both sum to 0.5+0.25=0.75 (vs 1 for a, d); b comes first in p99 order.
  assert.ok(['b', 'c'].includes(String(front.knee?.configuration.k)));
});

test('maximized objectives and three-dimensional hypervolume', () => {
  assert.equal(hypervolume([[1, 1, 1]], [3, 3, 3]), 8);
  // Two boxes 2×2×2 and 1×1×3 overlapping in 1×1×2: 8 + 3 − 2 = 9.
  assert.ok(Math.abs(hypervolume([[1, 1, 1], [2, 2, 0]], [3, 3, 3]) - 9) < 1e-12);
  const rng = createRng(9, 'mc');
  const cloud = Array.from({ length: 40 }, () => Float64Array.from([rng.next(), rng.next(), rng.next()]));
  const front = paretoFrontIndices(cloud).map((i) => cloud[i]!);
  let inside = 0;
  const samples = 200000;
  for (let s = 0; s < samples; s++) {
    const p = [rng.next(), rng.next(), rng.next()];
    if (front.some((f) => f[0]! <= p[0]! && f[1]! <= p[1]! && f[2]! <= p[2]!)) inside++;
  }
  const exact = hypervolume(front, [1, 1, 1]);
  assert.ok(Math.abs(exact - inside / samples) < 0.01, `exact ${exact} vs Monte Carlo ${inside / samples}`);
  const rows = rowsFrom([
    { configuration: { k: 'fast' }, repetitions: [{ p99_ms: 1, achieved_rps: 50 }] },
    { configuration: { k: 'busy' }, repetitions: [{ p99_ms: 3, achieved_rps: 200 }] },
    { configuration: { k: 'poor' }, repetitions: [{ p99_ms: 4, achieved_rps: 100 }] },
  ]);
  const result = analyzeTrials(rows, { objectives: [{ metric: 'p99_ms', direction: 'min' }, { metric: 'achieved_rps', direction: 'max' }], skipPrediction: true });
  assert.deepEqual(result.pareto[0]!.front.map((m) => m.configuration.k).sort(), ['busy', 'fast']);
  // Reference: p99 4 + 0.3 = 4.3; rps 50 − 15 = 35 (worst minus 10% of the range).
  assert.deepEqual(result.pareto[0]!.referencePoint, [4.3, 35]);
});

test('a dominated configuration within measurement noise of the front is marked, a clearly dominated one is not', () => {
  const reps = (p99: number, energy: number, spread: number) => [-1, 0, 1].map((d) => ({ p99_ms: p99 + d * spread, energy_j_per_inf: energy + d * spread }));
  const rows = rowsFrom([
    { configuration: { k: 'front' }, repetitions: reps(10, 10, 0.5) },
    { configuration: { k: 'near' }, repetitions: reps(10.3, 10.2, 0.5) },
    { configuration: { k: 'far' }, repetitions: reps(14, 14, 0.5) },
  ]);
  const result = analyzeTrials(rows, { objectives, skipPrediction: true });
  const members = new Map(result.pareto[0]!.front.map((m) => [m.configuration.k, m.withinNoise]));
  assert.equal(members.get('front'), false);
  assert.equal(members.get('near'), true);
  assert.equal(members.has('far'), false);
});

test('configurations Pareto-optimal everywhere, somewhere and nowhere', () => {
  const env = (model: string, values: Record<string, [number, number]>) =>
    Object.entries(values).map(([k, [p99, energy]]) => ({ configuration: { k }, context: { model }, repetitions: [{ p99_ms: p99, energy_j_per_inf: energy }] }));
  const rows = rowsFrom([
    ...env('small', { all: [1, 1], some: [2, 0.5], none: [3, 3] }),
    ...env('large', { all: [1, 1], some: [2, 2], none: [3, 3] }),
  ]);
  const result = analyzeTrials(rows, { objectives, skipPrediction: true });
  const membership = result.paretoMembership;
  assert.deepEqual(membership.everywhere.map((e) => e.configuration.k), ['all']);
  assert.deepEqual(membership.somewhere.map((e) => [e.configuration.k, e.environments]), [['some', ['small|w|l']]]);
  assert.equal(membership.nowhere, 1);
});
