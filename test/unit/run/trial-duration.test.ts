/** Enough requests by design: a trial too short for its percentiles is extended, or refused with the trial named. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStudy } from '../../../src/plan/study-schema.js';
import { percentileNeed, plannedArrivals, trialDuration } from '../../../src/run/trial-duration.js';
import { planStudyTime, formatStudyTimePlan } from '../../../src/run/study-time-plan.js';

const base = 'name: s\nmodels: [mnist-cnn]\nworkloads: [mnist-digits]\n';

test('the most demanding percentile of the objectives and constraints sets the count (LoadGen: 662 for p99, 6,636 for p99.9)', () => {
  assert.deepEqual(percentileNeed(parseStudy(base)), { metric: 'p99_ms', requests: 662 });
  const tail = parseStudy(`${base}objectives: [{ metric: p50_ms }]\nconstraints: [{ metric: p999_ms, max: 50 }]\n`);
  assert.deepEqual(percentileNeed(tail), { metric: 'p999_ms', requests: 6636 });
  assert.equal(percentileNeed(parseStudy(`${base}objectives: [{ metric: achieved_rps }]\n`)), undefined);
  // Planned with three standard deviations of a Poisson count to spare.
  assert.equal(plannedArrivals(662), 740);
});

test('a trial shorter than its percentile needs is extended, and says why', () => {
  const study = parseStudy(`${base}load: { pattern: poisson, rates: [80], duration: 8s }\n`);
  const duration = trialDuration(study, 80, 'mnist-cnn mnist-digits poisson@80rps #0');
  assert.equal(duration.durationMs, 9250); // 740 arrivals at 80 req/s
  assert.equal(duration.extendedFromMs, 8000);
  assert.match(duration.reason!, /p99_ms needs 662 requests; at 80\.0 req\/s that takes 9\.3 s, the study asks for 8\.0 s/);
  // Long enough already: unchanged.
  assert.deepEqual(trialDuration(study, 200, 'x'), { durationMs: 8000 });
  // Closed loop: the rate is not known before the run.
  assert.deepEqual(trialDuration(study, undefined, 'x'), { durationMs: 8000 });
});

test('load.minimumDuration: refuse names the trial that is too short, before anything runs', () => {
  const study = parseStudy(`${base}load: { pattern: poisson, rates: [80, 400], duration: 3s, minimumDuration: refuse }\n`);
  assert.throws(() => trialDuration(study, 80, 'mnist-cnn mnist-digits poisson@80rps #0'), /trial mnist-cnn mnist-digits poisson@80rps #0 is too short: p99_ms needs 662 requests/);
  assert.throws(() => planStudyTime(study), /trial poisson@80rps \(every model and configuration\) is too short/);
  assert.throws(() => parseStudy(`${base}load: { minimumDuration: sometimes }\n`), /load\.minimumDuration.*expected extend or refuse/s);
});

test('the dry-run plan shows planned durations and the total time', () => {
  const study = parseStudy(`${base}knobs: { instances: [1, 2] }\nrepetitions: 2\nload: { pattern: poisson, rates: [100, 1000], duration: 2s, warmup: 1s }\n`);
  const plan = planStudyTime(study);
  assert.equal(plan.configurations, 2);
  assert.equal(plan.trials, 8);
  assert.equal(plan.servers, 4);
  assert.deepEqual(plan.points.map((point) => point.durationMs), [7400, 2000]);
  // 4 trials at 7.4 s + 4 at 2 s, each with its unmeasured first second, + 4 warm-ups of 1 s + 4 server starts of ~2 s.
  assert.equal(plan.estimatedMs, 4 * 8400 + 4 * 3000 + 4 * 1000 + 4 * 2000);
  const text = formatStudyTimePlan(study, plan).join('\n');
  assert.match(text, /poisson@100rps: 7\.4 s measured \(extended/);
  assert.match(text, /estimated time: 1\.0 min/);
  const levels = planStudyTime(parseStudy(`${base}load: { pattern: poisson, levels: [light] }\n`));
  assert.equal(levels.estimateIsLowerBound, true);
});
