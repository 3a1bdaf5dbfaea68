import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { stepFailure, type CapacityResult } from '../../../src/load/capacity.js';
import { findCapacity } from '../../../src/load/index.js';
import { boundFromUnloaded } from '../../../src/load/latency-bound.js';
import { capacitySearchFigure, storedCapacitySearch } from '../../../src/report/figures/capacity-figure.js';
import { renderFigure } from '../../../src/report/figures/render.js';
import { constantSamples, drive } from '../../support/load/fake-client.js';
import { simulatedServer } from '../../support/load/simulated-server.js';

/**
 * 20 workers behind one FIFO queue, 40 ms each: the server completes at most 500 req/s. With this many
 * workers the queue stays short up to ~95% of that and grows without limit past it, so latency explodes
 * past a known rate: 500 req/s.
 */
const WORKERS = 20;
const SERVICE_MS = 40;
const TRUE_CAPACITY_RPS = (WORKERS * 1000) / SERVICE_MS;
const PRECISION = 0.05;

async function search(capacitySearch: Record<string, number>, slowdown?: (nowMs: number) => number): Promise<CapacityResult> {
  const clock = new VirtualClock();
  const client = simulatedServer(clock, { seed: 1, serviceMs: SERVICE_MS, logSigma: 0.05, workers: WORKERS, ...(slowdown ? { slowdown } : {}) });
  const run = findCapacity({ model: 'm', client, samples: constantSamples(), clock, seed: 5, capacitySearch: { stepDurationMs: 2000, warmupMs: 500, precision: PRECISION, ...capacitySearch } });
  return drive(clock, run, { stepMs: 50, limitMs: 10_000_000 });
}

test('capacity lies within the search precision of the rate past which latency explodes; the bound comes from the unloaded service time', async (t) => {
  const result = await search({});
  t.diagnostic(`capacity ${result.capacityRps} req/s (truth ${TRUE_CAPACITY_RPS}), bound ${result.boundRule}`);
  t.diagnostic(result.steps.map((step) => `${step.rateRps.toFixed(0)} req/s: p99 ${step.p99Ms} ms, ${step.passed ? 'pass' : step.note}`).join('; '));
  assert.equal(result.boundSource, 'unloaded-service-time');
  assert.ok(result.unloaded !== null);
  // Sequential single requests see the bare service time (40 ms, lognormal σ = 0.05).
  assert.ok(Math.abs(result.unloaded.p50Ms / SERVICE_MS - 1) < 0.02, `unloaded p50 ${result.unloaded.p50Ms}`);
  assert.ok(result.unloaded.p99Ms < SERVICE_MS * 1.2, `unloaded p99 ${result.unloaded.p99Ms}`);
  assert.equal(result.maxP99Ms, boundFromUnloaded(result.unloaded, 5, 10).maxP99Ms);
  assert.ok(Math.abs(result.maxP99Ms - 5 * result.unloaded.p99Ms) < 1e-3, 'for a 40 ms model, 5 × p99 exceeds p99 + 10 ms');
  assert.match(result.boundRule, /max\(5 × unloaded p99 [\d.]+ ms, unloaded p99 \+ 10 ms\)/);
  assert.ok(Math.abs(result.capacityRps / TRUE_CAPACITY_RPS - 1) <= PRECISION, `capacity ${result.capacityRps} req/s, truth ${TRUE_CAPACITY_RPS}`);
  assert.ok(result.saturatedAtRps !== null && (result.saturatedAtRps - result.capacityRps) / result.capacityRps <= PRECISION, 'the bracket is within the precision');
  // The search curve: every step kept, passes below the capacity, failures above it.
  assert.ok(result.steps.length >= 5);
  for (const step of result.steps) {
    if (step.measuredAgain) continue;
    if (step.rateRps <= result.capacityRps) assert.ok(step.passed, `${step.rateRps} req/s failed: ${step.note}`);
    else assert.ok(!step.passed && step.note !== null, `${step.rateRps} req/s passed above the capacity`);
  }
  assert.ok(result.steps.some((step) => step.note?.startsWith('p99')), 'some step failed on the latency bound');
  assert.deepEqual(result.warnings, []);
});

test('a search that starts deep in overload still finds the capacity: the bound is never taken from a loaded step', async () => {
  const result = await search({ startRps: 4 * TRUE_CAPACITY_RPS });
  assert.equal(result.steps[0]!.passed, false);
  assert.ok(result.steps[0]!.p99Ms! > 10 * SERVICE_MS, `first step p99 ${result.steps[0]!.p99Ms}`);
  assert.ok(result.maxP99Ms < 6 * SERVICE_MS, `bound ${result.maxP99Ms} ms`);
  assert.ok(Math.abs(result.capacityRps / TRUE_CAPACITY_RPS - 1) <= PRECISION, `capacity ${result.capacityRps} req/s`);
});

test('a stall during one step does not cap the capacity: the failed step is measured again, and only a second failure bounds the search', async () => {
  // 600 ms at 15 × the service time, while the search offers 100 req/s (a fifth of the capacity): as a GC pause or
  // the hypervisor taking the CPU would. Without the second measurement, the capacity came out below 100 req/s.
  const result = await search({}, (nowMs) => (nowMs >= 7000 && nowMs < 7600 ? 15 : 1));
  const setAside = result.steps.filter((step) => step.measuredAgain);
  assert.ok(setAside.some((step) => step.rateRps === 100), `the stalled step was measured again: ${JSON.stringify(setAside)}`);
  for (const step of setAside) {
    assert.equal(step.passed, false);
    assert.match(step.note!, /; measured again$/);
  }
  assert.ok(Math.abs(result.capacityRps / TRUE_CAPACITY_RPS - 1) <= PRECISION, `capacity ${result.capacityRps} req/s, truth ${TRUE_CAPACITY_RPS}`);
  // Every rate that counts failed twice in a row: each failure that counts follows its set-aside first measurement.
  result.steps.forEach((step, index) => {
    if (!step.passed && !step.measuredAgain) assert.ok(result.steps[index - 1]?.measuredAgain && result.steps[index - 1]!.rateRps === step.rateRps, `${step.rateRps} req/s failed once`);
  });
});

test("the study's bound is used as given, without an unloaded probe", async () => {
  const result = await search({ maxP99Ms: 1000 });
  assert.equal(result.boundSource, 'study');
  assert.equal(result.unloaded, null);
  assert.equal(result.maxP99Ms, 1000);
  assert.match(result.boundRule, /set by the study/);
});

test('a step passes only with p99 under the bound AND at least 95% of the offered rate achieved', () => {
  const judge = { maxP99Ms: 100, maxErrorRate: 0.01, minAchievedFraction: 0.95 };
  const step = { rateRps: 100, offeredRps: 100, achievedRps: 96, p99Ms: 50, errorRate: 0, dropped: 0 };
  assert.equal(stepFailure(step, judge), null);
  assert.match(stepFailure({ ...step, achievedRps: 94 }, judge)!, /achieved 94\.0 of 100\.0 req\/s offered/);
  assert.match(stepFailure({ ...step, p99Ms: 101 }, judge)!, /p99 101 ms > 100 ms/);
  assert.match(stepFailure({ ...step, p99Ms: null }, judge)!, /p99 ∞/);
  assert.match(stepFailure({ ...step, errorRate: 0.02 }, judge)!, /error rate/);
  assert.match(stepFailure({ ...step, dropped: 3 }, judge)!, /dropped/);
});

test('the derived bound: 5 × unloaded p99, or p99 + 10 ms for a fast model', () => {
  assert.equal(boundFromUnloaded({ p50Ms: 30, p99Ms: 40, requests: 500, durationMs: 2000 }, 5, 10).maxP99Ms, 200);
  const fast = boundFromUnloaded({ p50Ms: 1.2, p99Ms: 1.6, requests: 1200, durationMs: 2000 }, 5, 10);
  assert.equal(fast.maxP99Ms, 11.6);
  assert.equal(fast.boundSource, 'unloaded-service-time');
  assert.match(boundFromUnloaded({ p50Ms: 90, p99Ms: 120, requests: 20, durationMs: 2000 }, 5, 10).boundRule, /only 20 probe requests/);
});

test('the report shows the search curve and the bound from a stored capacity search', async () => {
  const result = await search({});
  // What the store hands back: the result as JSON.
  const capacity = { model: 'm', workload: 'w', capacityRps: result.capacityRps, method: 'search', details: JSON.parse(JSON.stringify(result)) as unknown };
  const stored = storedCapacitySearch(capacity);
  assert.ok(stored);
  assert.equal(stored.steps.length, result.steps.length);
  const figure = await renderFigure(capacitySearchFigure([capacity])!);
  assert.match(figure.svg, /p99 latency \(ms\)/);
  assert.match(figure.svg, /offered rate \(req\/s\)/);
  // Older studies stored no search: no figure, no crash.
  assert.equal(capacitySearchFigure([{ model: 'm', workload: 'w', capacityRps: 100, method: 'old' }]), undefined);
});
