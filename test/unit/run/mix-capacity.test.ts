import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadSummary } from '../../../src/load/summary.js';
import { mixCapacityPairs } from '../../../src/plan/colocation.js';
import { parseStudy } from '../../../src/plan/study-schema.js';
import { withOfferedRates } from '../../../src/report/study-summary.js';
import { memberStepProblem, searchFraction } from '../../../src/run/mix-capacity.js';

test('the common fraction doubles until a step fails, then bisects to the precision', async () => {
  const limit = 0.73;
  const { fraction, steps } = await searchFraction(async (f) => f <= limit);
  assert.ok(fraction <= limit && (limit - fraction) / fraction <= 0.05, `found ${fraction}`);
  assert.deepEqual(steps.slice(0, 3).map((step) => [step.fraction, step.passed]), [[0.25, true], [0.5, true], [1, false]]);
  assert.ok(steps.length <= 10);
});

test('a group that cannot serve the start fraction is searched below it; none passing gives 0', async () => {
  const low = await searchFraction(async (f) => f <= 0.1);
  assert.ok(low.fraction > 0.09 && low.fraction <= 0.1, `found ${low.fraction}`);
  assert.equal(low.steps[0]?.passed, false);
  const none = await searchFraction(async () => false);
  assert.equal(none.fraction, 0);
  const all = await searchFraction(async () => true);
  assert.equal(all.fraction, 2, 'capped at twice every solo capacity');
});

const summary = (overrides: Partial<LoadSummary>): LoadSummary =>
  ({ completed: 100, requests: 100, offeredRps: 100, achievedRps: 99, errors: { total: 0, byKind: {} }, latencyMs: { p99: 20 }, ...overrides }) as unknown as LoadSummary;

test('a step fails for the first member that misses its own bound, saying which', () => {
  assert.equal(memberStepProblem(summary({}), 30, 0.01), null);
  assert.match(memberStepProblem(summary({ latencyMs: { p99: 45 } as LoadSummary['latencyMs'] }), 30, 0.01)!, /p99 45\.0 ms over its bound of 30\.0 ms/);
  assert.match(memberStepProblem(summary({ achievedRps: 80 }), 30, 0.01)!, /achieved 80\.0 of 100\.0/);
  assert.match(memberStepProblem(summary({ errors: { total: 5, byKind: {} } }), 30, 0.01)!, /error rate 5\.0%/);
  assert.equal(memberStepProblem(summary({ completed: 0 }), 30, 0.01), 'nothing completed');
  assert.equal(memberStepProblem(summary({ latencyMs: { p99: 400 } as LoadSummary['latencyMs'] }), undefined, 0.01), null, 'no bound: latency is not judged');
});

test('groups of several models get a capacity record named after them; levels of it offer the sum of the solo fractions', () => {
  const study = parseStudy(
    'name: m\nmodels: [a, b, c]\nworkloads: [w]\ncolocation: { groups: [[a], [b], [c], [a, b], [a, b, c]] }\nload: { pattern: poisson, levels: [light] }\n',
  );
  assert.deepEqual(
    mixCapacityPairs(study).map((pair) => [pair.model, pair.workload]),
    [
      ['a+b', 'w+w'],
      ['a+b+c', 'w+w+w'],
    ],
  );
  const [mix] = withOfferedRates(
    [{ model: 'a+b', workload: 'w+w', capacityRps: 150, method: 'mix', details: { fraction: 0.5, members: [{ soloCapacityRps: 100 }, { soloCapacityRps: 200 }] } }],
    [{ name: 'poisson@light', fractionOfCapacity: 0.25 } as never],
  );
  assert.equal(mix?.offeredRps?.['poisson@light'], 75, 'a quarter of each solo capacity: 25 + 50');
});
