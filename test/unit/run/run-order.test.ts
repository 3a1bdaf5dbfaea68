/** Repetitions run interleaved across configurations in a seeded order, not back to back. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStudy } from '../../../src/plan/study-schema.js';
import { batchSize, interleavedUnits } from '../../../src/run/run-order.js';
import { trialsOf } from '../../../src/run/trial-plan.js';

const study = parseStudy('name: order\nmodels: [mnist-cnn, sentiment-cls]\nworkloads: [mnist-digits]\nrepetitions: 3\nload: { pattern: poisson, rates: [100, 200] }\n');
const configurations = [{ instances: 1 }, { instances: 2 }, { instances: 3 }, { instances: 4 }];
const batch = configurations.map((configuration) => ({ configuration, trials: trialsOf(study, configuration) }));

test('every repetition of every configuration runs before the next repetition of any', () => {
  const units = interleavedUnits(batch, 7);
  assert.equal(units.length, 4 * 3 * 2); // configurations x repetitions x models
  const repetitions = units.map((unit) => unit.trials[0]!.repetition);
  assert.deepEqual(repetitions, [...repetitions].sort((a, b) => a - b));
  // A unit is one configuration, model and repetition, its load points in order.
  for (const unit of units) {
    assert.equal(new Set(unit.trials.map((trial) => `${trial.context.model}/${trial.repetition}`)).size, 1);
    assert.deepEqual(unit.trials.map((trial) => trial.context.load), ['poisson@100rps', 'poisson@200rps']);
  }
  // No configuration's repetitions sit back to back at the boundary between repetitions in every seed.
  const order = (seed: number) => interleavedUnits(batch, seed).map((unit) => `${unit.configuration.instances}/${unit.trials[0]!.context.model}`);
  assert.notDeepEqual(order(7).slice(0, 8), order(7).slice(8, 16), 'each repetition gets its own shuffle');
});

test('the order is reproducible from the seed and differs between seeds', () => {
  const keys = (seed: number) => interleavedUnits(batch, seed).map((unit) => unit.trials[0]!.trialId);
  assert.deepEqual(keys(7), keys(7));
  assert.notDeepEqual(keys(7), keys(8));
});

test('finished trials are left out: a resumed batch runs only what is pending', () => {
  const pending = batch.map(({ configuration, trials }) => ({ configuration, trials: trials.filter((trial) => trial.repetition === 2) }));
  const units = interleavedUnits(pending, 7);
  assert.equal(units.length, 4 * 2);
  assert.ok(units.every((unit) => unit.trials[0]!.repetition === 2));
});

test('the whole plan is interleaved at once, an adaptive sampler in small batches', () => {
  assert.equal(batchSize('full-factorial', 27), 27);
  assert.equal(batchSize('adaptive', 30), 4);
  assert.equal(batchSize('adaptive', 2), 2);
});
