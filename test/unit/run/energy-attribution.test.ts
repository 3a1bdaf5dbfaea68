import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../src/core/random.js';
import { attributeEnergy, serverComputeSecondsByModel } from '../../../src/run/energy-attribution.js';

test('the attributed parts sum to the measured total, whatever the shares', () => {
  const rng = createRng(5, 'attribution');
  for (let round = 0; round < 200; round++) {
    const totalEnergyJ = rng.next() * 1000;
    const members = Array.from({ length: 1 + rng.int(4) }, (_, index) => ({ model: `m${index}`, serverComputeSeconds: rng.next() * 10, completed: rng.int(5000) }));
    const attribution = attributeEnergy(totalEnergyJ, members);
    const sum = attribution.parts.reduce((total, part) => total + part.energyJ, 0);
    assert.ok(Math.abs(sum - totalEnergyJ) <= 1e-9 * Math.max(1, totalEnergyJ), `parts ${sum} against total ${totalEnergyJ}`);
    assert.ok(Math.abs(attribution.parts.reduce((total, part) => total + part.share, 0) - 1) < 1e-12);
    assert.equal(attribution.label, 'attributed');
    assert.equal(attribution.totalEnergyJ, totalEnergyJ);
  }
});

test('shares follow the server compute time of each model', () => {
  const attribution = attributeEnergy(30, [
    { model: 'a', serverComputeSeconds: 1, responseComputeSeconds: 9, completed: 100 },
    { model: 'b', serverComputeSeconds: 2, responseComputeSeconds: 1, completed: 100 },
  ]);
  assert.equal(attribution.basis, 'server-compute-seconds');
  assert.deepEqual(attribution.parts.map((part) => Math.round(part.energyJ * 1000) / 1000), [10, 20]);
});

test('without the server counters the response timings are used, then the completed requests', () => {
  const byResponses = attributeEnergy(8, [
    { model: 'a', responseComputeSeconds: 3, completed: 1 },
    { model: 'b', responseComputeSeconds: 1, completed: 1 },
  ]);
  assert.equal(byResponses.basis, 'response-compute-time');
  assert.deepEqual(byResponses.parts.map((part) => part.energyJ), [6, 2]);
  // One member without timings (an external server): no time-based basis for anyone.
  const byRequests = attributeEnergy(9, [
    { model: 'a', responseComputeSeconds: 3, completed: 200 },
    { model: 'b', completed: 100 },
  ]);
  assert.equal(byRequests.basis, 'completed-requests');
  assert.deepEqual(byRequests.parts.map((part) => part.energyJ), [6, 3]);
});

test('nothing to weigh by: an equal split that still sums to the total', () => {
  const attribution = attributeEnergy(7, [
    { model: 'a', serverComputeSeconds: 0, completed: 0 },
    { model: 'b', serverComputeSeconds: 0, completed: 0 },
  ]);
  assert.equal(attribution.basis, 'completed-requests');
  assert.deepEqual(attribution.parts.map((part) => part.energyJ), [3.5, 3.5]);
  assert.deepEqual(attributeEnergy(5, []).parts, []);
});

test('per-model compute seconds are read from the server\'s counter deltas', () => {
  const delta = {
    'servelab_compute_seconds_sum{model="mnist-cnn"}': 1.5,
    'servelab_compute_seconds_count{model="mnist-cnn"}': 300,
    'servelab_compute_seconds_sum{model="sentiment-cls"}': 0.5,
    'servelab_compute_seconds_bucket{model="sentiment-cls",le="0.01"}': 90,
    'servelab_requests_total{model="mnist-cnn",protocol="kserve-http"}': 300,
  };
  assert.deepEqual([...serverComputeSecondsByModel(delta)], [
    ['mnist-cnn', 1.5],
    ['sentiment-cls', 0.5],
  ]);
  assert.equal(serverComputeSecondsByModel(undefined).size, 0);
});
