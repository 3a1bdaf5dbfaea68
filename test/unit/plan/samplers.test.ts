import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configurationKey, spaceSize, type Configuration, type DesignSpace } from '../../../src/core/space.js';
import { createRng } from '../../../src/core/random.js';
import { enumerateSpace, levelIndices } from '../../../src/plan/design-space.js';
import { createSampler, SAMPLERS, type Sampler, type TrialOutcome } from '../../../src/plan/samplers/index.js';
import { fractionalFactorialPlan, twoLevelFractionalDesign } from '../../../src/plan/samplers/fractional-factorial.js';
import { latinHypercubePlan } from '../../../src/plan/samplers/lhs.js';
import { SAMPLER_KINDS, type SamplerSpec } from '../../../src/plan/study-schema.js';

const SPACE: DesignSpace = {
  knobs: [
    { name: 'instances', kind: 'numeric', levels: [1, 2, 4] },
    { name: 'batching.enabled', kind: 'boolean', levels: [false, true] },
    { name: 'batching.maxBatchSize', kind: 'numeric', levels: [1, 2, 4, 8, 16] },
    { name: 'protocol', kind: 'categorical', levels: ['kserve-http', 'kserve-http-binary', 'kserve-grpc'] },
    { name: 'os.cpuQuota', kind: 'numeric', levels: [0.25, 0.5, 1] },
  ],
};
const OBJECTIVES = [
  { metric: 'p99_ms', direction: 'min' as const },
  { metric: 'energy_j_per_inf', direction: 'min' as const },
];
const SPECS: Record<string, SamplerSpec> = {
  'full-factorial': { kind: 'full-factorial' },
  'fractional-factorial': { kind: 'fractional-factorial' },
  random: { kind: 'random', budget: 20 },
  lhs: { kind: 'lhs', budget: 20 },
  adaptive: { kind: 'adaptive', budget: 14, initial: 6 },
};

/** A cheap deterministic response so adaptive runs have something to model. */
function metricsOf(configuration: Configuration): Record<string, number> {
  const instances = configuration.instances as number;
  const batch = configuration['batching.enabled'] ? (configuration['batching.maxBatchSize'] as number) : 1;
  const quota = configuration['os.cpuQuota'] as number;
  return { p99_ms: 5 / quota + batch * 0.4 + 2 / instances, energy_j_per_inf: 0.2 * instances + 1 / batch + quota };
}

function run(sampler: Sampler, stepSize: number, limit = Infinity): TrialOutcome[] {
  const history: TrialOutcome[] = [];
  for (;;) {
    const asked = sampler.ask(history, stepSize);
    if (asked.length === 0 || history.length >= limit) return history;
    for (const configuration of asked) history.push({ configuration, state: 'completed', metrics: metricsOf(configuration) });
  }
}

const keys = (items: readonly (Configuration | TrialOutcome)[]) =>
  items.map((item) => configurationKey('configuration' in item && typeof item.configuration === 'object' ? (item as TrialOutcome).configuration : (item as Configuration)));

test('the registry has one factory per sampler kind', () => {
  assert.deepEqual(Object.keys(SAMPLERS).sort(), [...SAMPLER_KINDS].sort());
  for (const kind of SAMPLER_KINDS) assert.equal(createSampler(SPECS[kind]!, SPACE, 1, OBJECTIVES).kind, kind);
  assert.throws(() => createSampler({ kind: 'random' }, SPACE, 1, OBJECTIVES), /sampler\.budget: required/);
});

test('full factorial proposes every configuration once, in a seeded random order', () => {
  const size = spaceSize(SPACE);
  assert.equal(size, 3 * 2 * 5 * 3 * 3);
  const sampler = createSampler({ kind: 'full-factorial' }, SPACE, 7, OBJECTIVES);
  assert.equal(sampler.plannedCount, size);
  const asked = keys(sampler.ask([], size + 10));
  assert.equal(asked.length, size);
  assert.deepEqual(new Set(asked), new Set(keys([...enumerateSpace(SPACE)])));
  assert.notDeepEqual(asked, keys([...enumerateSpace(SPACE)]), 'run order is randomized');
  assert.deepEqual(keys(createSampler({ kind: 'full-factorial' }, SPACE, 7, OBJECTIVES).ask([], size)), asked);
  assert.notDeepEqual(keys(createSampler({ kind: 'full-factorial' }, SPACE, 8, OBJECTIVES).ask([], size)), asked);
});

for (const kind of SAMPLER_KINDS) {
  test(`${kind}: same history gives the same next asks, so a resumed study continues exactly`, () => {
    const spec = SPECS[kind]!;
    const oneByOne = run(createSampler(spec, SPACE, 3, OBJECTIVES), 1);
    assert.equal(oneByOne.length, createSampler(spec, SPACE, 3, OBJECTIVES).plannedCount);
    assert.equal(new Set(keys(oneByOne)).size, oneByOne.length, 'no configuration is asked twice');
    for (const cut of [0, 4, 9]) {
      if (cut >= oneByOne.length) continue;
      const resumed = createSampler(spec, SPACE, 3, OBJECTIVES); // a fresh instance, as after a restart
      assert.deepEqual(keys(resumed.ask(oneByOne.slice(0, cut), 1)), keys(oneByOne.slice(cut, cut + 1)), `after ${cut} trials`);
    }
    assert.deepEqual(createSampler(spec, SPACE, 3, OBJECTIVES).ask(oneByOne, 5), [], 'nothing left once the plan is done');
    if (kind !== 'fractional-factorial') {
      assert.notDeepEqual(keys(run(createSampler(spec, SPACE, 4, OBJECTIVES), 1)), keys(oneByOne), 'another seed, another sequence');
    }
  });

  test(`${kind}: failed and pending trials are not asked again`, () => {
    const sampler = createSampler(SPECS[kind]!, SPACE, 5, OBJECTIVES);
    const first = sampler.ask([], 3);
    const history: TrialOutcome[] = [
      { configuration: first[0]!, state: 'failed' },
      { configuration: first[1]!, state: 'pending' },
      { configuration: first[2]!, state: 'completed', metrics: metricsOf(first[2]!) },
    ];
    const next = sampler.ask(history, 3);
    assert.equal(next.length, 3);
    for (const key of keys(next)) assert.ok(!keys(first).includes(key));
  });
}

test('random: budget distinct configurations from the space', () => {
  const asked = createSampler({ kind: 'random', budget: 60 }, SPACE, 2, OBJECTIVES).ask([], 100);
  assert.equal(asked.length, 60);
  assert.equal(new Set(keys(asked)).size, 60);
  for (const configuration of asked) assert.ok(levelIndices(SPACE, configuration).every((index) => index >= 0));
});

test('Latin hypercube: every knob is stratified over its levels', () => {
  for (const n of [2, 3, 4, 5, 7, 12, 30, 61]) {
    for (const seed of [1, 2]) {
      const plan = latinHypercubePlan(SPACE, n, seed);
      assert.equal(plan.length, n);
      assert.equal(new Set(keys(plan)).size, n);
      SPACE.knobs.forEach((knob, k) => {
        const indices = plan.map((configuration) => levelIndices(SPACE, configuration)[k]!);
        const levelCount = knob.levels.length;
        if (n >= levelCount) {
          for (let level = 0; level < levelCount; level++) {
            const count = indices.filter((index) => index === level).length;
            assert.ok(count === Math.floor(n / levelCount) || count === Math.ceil(n / levelCount), `${knob.name} n=${n}: level ${level} x${count}`);
          }
        } else {
          const strata = indices.map((index) => Math.floor((index * n) / levelCount));
          assert.deepEqual([...strata].sort((a, b) => a - b), Array.from({ length: n }, (_, s) => s), `${knob.name} n=${n}: one sample per stratum`);
        }
      });
    }
  }
});

test('two-level fractional designs are balanced and orthogonal, with the requested resolution', () => {
  for (let k = 2; k <= 15; k++) {
    for (const resolution of [3, 4] as const) {
      const design = twoLevelFractionalDesign(k, resolution);
      const runs = design.runs;
      assert.ok(Number.isInteger(Math.log2(runs.length)));
      const column = (j: number) => runs.map((run) => run[j]!);
      for (let a = 0; a < k; a++) {
        assert.equal(column(a).reduce((sum, value) => sum + value, 0), 0, `k=${k} column ${a} balanced`);
        for (let b = a + 1; b < k; b++) {
          assert.equal(column(a).reduce((sum, value, i) => sum + value * column(b)[i]!, 0), 0, `k=${k} columns ${a},${b} orthogonal`);
        }
      }
      assert.ok(design.resolution >= resolution, `k=${k}: resolution ${design.resolution} < ${resolution}`);
      if (resolution === 4) {
        // No main effect is aliased with a two-factor interaction.
        for (let a = 0; a < k; a++) {
          for (let b = 0; b < k; b++) {
            for (let c = b + 1; c < k; c++) {
              if (a === b || a === c) continue;
              const product = column(b).map((value, i) => value * column(c)[i]!);
              assert.ok(Math.abs(product.reduce((sum, value, i) => sum + value * column(a)[i]!, 0)) < runs.length, `k=${k}: ${a} ~ ${b}x${c}`);
            }
          }
        }
        assert.ok(runs.length <= Math.max(2 ** k, 2 * 2 ** Math.ceil(Math.log2(k))), `k=${k}: ${runs.length} runs is more than needed`);
      } else {
        assert.equal(runs.length, Math.min(2 ** k, 2 ** Math.ceil(Math.log2(k + 1))), `k=${k}: smallest resolution III design`);
      }
    }
  }
  assert.deepEqual(twoLevelFractionalDesign(5, 4).generators, ['E=ABCD']);
  assert.equal(twoLevelFractionalDesign(5, 4).resolution, 5);
  assert.deepEqual(twoLevelFractionalDesign(7, 3).generators.length, 4);
});

test('fractional factorial maps each knob to its lowest and highest level and fixes single-level knobs', () => {
  const space: DesignSpace = { knobs: [...SPACE.knobs, { name: 'cache.enabled', kind: 'boolean', levels: [true] }] };
  const plan = fractionalFactorialPlan(space, 1, 4);
  assert.equal(plan.length, 16); // 5 varied knobs at resolution IV or better: 2^(5-1)
  const seen = (name: string) => new Set(plan.map((configuration) => configuration[name]));
  assert.deepEqual(seen('instances'), new Set([1, 4]));
  assert.deepEqual(seen('batching.enabled'), new Set([false, true]));
  assert.deepEqual(seen('batching.maxBatchSize'), new Set([1, 16]));
  assert.deepEqual(seen('protocol'), new Set(['kserve-http', 'kserve-grpc']));
  assert.deepEqual(seen('cache.enabled'), new Set([true]));
  assert.equal(new Set(keys(plan)).size, 16);
  assert.notDeepEqual(keys(fractionalFactorialPlan(space, 2, 4)), keys(plan), 'seeded run order');
});

test('adaptive: a batch ask returns distinct configurations and steers clear of pending ones', () => {
  const spec: SamplerSpec = { kind: 'adaptive', budget: 30, initial: 6 };
  const history = run(createSampler(spec, SPACE, 9, OBJECTIVES), 1, 10);
  const pending = createSampler(spec, SPACE, 9, OBJECTIVES).ask(history, 2);
  const withPending = [...history, ...pending.map((configuration) => ({ configuration, state: 'pending' as const }))];
  const batch = createSampler(spec, SPACE, 9, OBJECTIVES).ask(withPending, 4);
  assert.equal(batch.length, 4);
  assert.equal(new Set(keys([...batch, ...pending, ...history])).size, 4 + 2 + history.length);
  assert.deepEqual(keys(createSampler(spec, SPACE, 9, OBJECTIVES).ask(withPending, 4)), keys(batch), 'deterministic');
  // The budget counts every trial asked, pending ones included.
  assert.equal(createSampler({ ...spec, budget: withPending.length + 1 }, SPACE, 9, OBJECTIVES).ask(withPending, 4).length, 1);
});

test('samplers use their seed: a random plan differs between seeds 1 to 9', () => {
  const firsts = new Set(Array.from({ length: 9 }, (_, i) => keys(createSampler({ kind: 'random', budget: 5 }, SPACE, i + 1, OBJECTIVES).ask([], 5)).join(';')));
  assert.equal(firsts.size, 9);
});

test('the core generator gives every single-digit seed its own stream', () => {
  const firstDraws = new Set(Array.from({ length: 10 }, (_, seed) => createRng(seed, 'x').next()));
  assert.equal(firstDraws.size, 10);
});

test('adaptive: large spaces (scored on a random + neighbourhood subset), a maximized objective, batch asks', () => {
  const knobs = Array.from({ length: 8 }, (_, k) => ({ name: `k${k}`, kind: 'numeric' as const, levels: [0, 1, 2, 3, 4] }));
  const space: DesignSpace = { knobs }; // 5^8 = 390625 configurations
  const objectives = [
    { metric: 'p99_ms', direction: 'min' as const },
    { metric: 'achieved_rps', direction: 'max' as const },
  ];
  const evaluate = (c: Configuration) => ({
    p99_ms: 1 + (c.k0 as number) + ((c.k1 as number) - 2) ** 2,
    achieved_rps: 10 * (c.k0 as number) + (c.k2 as number),
  });
  const sampler = createSampler({ kind: 'adaptive', budget: 24, initial: 12 }, space, 1, objectives);
  const history: TrialOutcome[] = [];
  while (history.length < 24) {
    for (const configuration of sampler.ask(history, 3)) history.push({ configuration, state: 'completed', metrics: evaluate(configuration) });
  }
  assert.equal(new Set(keys(history)).size, 24);
  for (const outcome of history) assert.ok(levelIndices(space, outcome.configuration).every((index) => index >= 0));
  const again = createSampler({ kind: 'adaptive', budget: 24, initial: 12 }, space, 1, objectives).ask(history.slice(0, 15), 3);
  assert.deepEqual(keys(again), keys(history.slice(15, 18)), 'resume gives the same batch');
});
