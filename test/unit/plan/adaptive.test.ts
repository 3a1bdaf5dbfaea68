import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configurationKey, type Configuration, type DesignSpace } from '../../../src/core/space.js';
import { enumerateSpace } from '../../../src/plan/design-space.js';
import { hypervolumeFraction, replaySampler } from '../../../src/plan/replay.js';
import { createSampler } from '../../../src/plan/samplers/index.js';

/**
 * A two-objective test problem on a discrete grid (ZDT1-like front over x1, with x2..x4 only adding distance
 * to the front, and an interaction: x3 helps only at high x4). 8 x 8 x 2 x 6 = 768 configurations.
 */
const SPACE: DesignSpace = {
  knobs: [
    { name: 'x1', kind: 'numeric', levels: [0, 1, 2, 3, 4, 5, 6, 7] },
    { name: 'x2', kind: 'numeric', levels: [0, 1, 2, 3, 4, 5, 6, 7] },
    { name: 'x3', kind: 'boolean', levels: [false, true] },
    { name: 'x4', kind: 'numeric', levels: [0, 1, 2, 3, 4, 5] },
  ],
};
const OBJECTIVES = [
  { metric: 'f1', direction: 'min' as const },
  { metric: 'f2', direction: 'min' as const },
];

function evaluate(configuration: Configuration): Record<string, number> {
  const x1 = (configuration.x1 as number) / 7;
  const x2 = (configuration.x2 as number) / 7;
  const x4 = (configuration.x4 as number) / 5;
  const interaction = configuration.x3 ? Math.abs(x4 - 0.8) : 0.3 + 0.5 * Math.abs(x4 - 0.2);
  const g = 1 + 3 * (x2 - 0.6) ** 2 + interaction;
  return { f1: x1, f2: g * (1 - Math.sqrt(x1 / g)) };
}

test('the adaptive sampler reaches more of the Pareto hypervolume than random sampling at the same budget', (t) => {
  const table = new Map([...enumerateSpace(SPACE)].map((configuration) => [configurationKey(configuration), evaluate(configuration)]));
  const all = [...table.values()];
  const oracle = (configuration: Configuration) => table.get(configurationKey(configuration));
  const budget = 40; // about 5% of the space
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const reached = { adaptive: [] as number[], random: [] as number[] };
  for (const seed of [1, 2, 3]) {
    for (const kind of ['adaptive', 'random'] as const) {
      const history = replaySampler(createSampler({ kind, budget }, SPACE, seed, OBJECTIVES), oracle);
      assert.equal(history.length, budget);
      reached[kind].push(hypervolumeFraction(history, all, OBJECTIVES));
    }
  }
  const adaptive = mean(reached.adaptive);
  const random = mean(reached.random);
  assert.ok(adaptive > random + 0.05, `adaptive ${adaptive.toFixed(3)} vs random ${random.toFixed(3)} (${JSON.stringify(reached)})`);
  t.diagnostic(`hypervolume fraction at ${budget} of 768 trials: ${JSON.stringify(reached)}`);
  assert.ok(adaptive > 0.85, `adaptive reached only ${adaptive.toFixed(3)} of the full hypervolume`);
});

test('hypervolume fraction: the full table scores 1, a dominated subset less', () => {
  const all = [...enumerateSpace(SPACE)].map(evaluate);
  const asOutcomes = (metrics: Record<string, number>[]) => metrics.map((m) => ({ configuration: {}, state: 'completed' as const, metrics: m }));
  assert.equal(hypervolumeFraction(asOutcomes(all), all, OBJECTIVES), 1);
  const worse = all.filter((metrics) => (metrics.f1 ?? 0) > 0.5);
  const fraction = hypervolumeFraction(asOutcomes(worse), all, OBJECTIVES);
  assert.ok(fraction > 0 && fraction < 0.9, `${fraction}`);
  assert.equal(hypervolumeFraction([{ configuration: {}, state: 'failed' }], all, OBJECTIVES), 0);
  // One configuration dominating all others: anything else falls short of it.
  const dominated = [{ f1: 1, f2: 1 }, { f1: 2, f2: 3 }, { f1: 3, f2: 2 }];
  assert.equal(hypervolumeFraction(asOutcomes([dominated[0]!]), dominated, OBJECTIVES), 1);
  assert.ok(hypervolumeFraction(asOutcomes([dominated[1]!]), dominated, OBJECTIVES) < 0.5);
});
