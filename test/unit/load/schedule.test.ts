import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateSchedule, parsePattern, resolveLoadPlan } from '../../../src/load/index.js';
import type { LoadPattern } from '../../../src/load/pattern.js';
import { parseTraceCsv } from '../../../src/load/trace-file.js';

function gaps(offsets: Float64Array): number[] {
  return Array.from(offsets.subarray(1), (offset, index) => offset - offsets[index]!);
}

function meanVariance(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((total, value) => total + value, 0) / values.length;
  const variance = values.reduce((total, value) => total + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

test('poisson inter-arrival gaps have the exponential mean and variance', () => {
  const rateRps = 500;
  const schedule = generateSchedule({ type: 'poisson', rateRps }, { durationMs: 60_000, seed: 7 });
  const { mean, variance } = meanVariance(gaps(schedule.offsetsMs));
  const expectedMeanMs = 1000 / rateRps;
  // ~30,000 gaps: the sample mean's standard error is ~0.6% of the mean; allow 3%.
  assert.ok(Math.abs(mean / expectedMeanMs - 1) < 0.03, `mean gap ${mean} ms, expected ${expectedMeanMs}`);
  assert.ok(Math.abs(variance / expectedMeanMs ** 2 - 1) < 0.06, `gap variance ${variance}, expected ${expectedMeanMs ** 2}`);
  // Coefficient of variation 1 separates Poisson from evenly spaced arrivals.
  assert.ok(Math.abs(Math.sqrt(variance) / mean - 1) < 0.05);
  assert.ok(Math.abs(schedule.offsetsMs.length - 30_000) < 4 * Math.sqrt(30_000));
});

test('schedules are reproducible from their seed and differ between seeds', () => {
  const pattern: LoadPattern = { type: 'poisson', rateRps: 100 };
  const a = generateSchedule(pattern, { durationMs: 5000, seed: 1 });
  const b = generateSchedule(pattern, { durationMs: 5000, seed: 1 });
  const c = generateSchedule(pattern, { durationMs: 5000, seed: 2 });
  assert.deepEqual(a.offsetsMs, b.offsetsMs);
  assert.notDeepEqual(a.offsetsMs, c.offsetsMs);
});

test('constant rate spaces arrivals exactly 1/rate apart', () => {
  const schedule = generateSchedule({ type: 'constant', rateRps: 250 }, { durationMs: 2000, seed: 1 });
  assert.equal(schedule.offsetsMs.length, 500);
  for (const gap of gaps(schedule.offsetsMs)) assert.ok(Math.abs(gap - 4) < 1e-9);
  assert.equal(schedule.offsetsMs[0], 0);
});

test('warm-up arrivals come first and never shift the measured ones', () => {
  const pattern: LoadPattern = { type: 'poisson', rateRps: 200 };
  const plain = generateSchedule(pattern, { durationMs: 3000, seed: 5 });
  const warmed = generateSchedule(pattern, { durationMs: 3000, warmupMs: 1000, seed: 5 });
  assert.ok(Math.abs(warmed.warmupCount - 200) < 60);
  assert.equal(warmed.measureStartMs, 1000);
  assert.equal(warmed.endMs, 4000);
  for (let i = 0; i < warmed.warmupCount; i++) assert.ok(warmed.offsetsMs[i]! < 1000);
  const measured = Array.from(warmed.offsetsMs.subarray(warmed.warmupCount), (offset) => offset - 1000);
  assert.equal(measured.length, plain.offsetsMs.length);
  measured.forEach((offset, index) => assert.ok(Math.abs(offset - plain.offsetsMs[index]!) < 1e-9));
});

test('step pattern changes rate exactly at its boundaries', () => {
  const steps = [
    { rateRps: 100, durationMs: 2000 },
    { rateRps: 400, durationMs: 2000 },
    { rateRps: 50, durationMs: 2000 },
  ];
  const uniform = generateSchedule({ type: 'step', steps, arrivals: 'uniform' }, { durationMs: 6000, seed: 1 });
  const counts = (offsets: Float64Array) => [0, 1, 2].map((k) => offsets.filter((t) => t >= k * 2000 && t < (k + 1) * 2000).length);
  assert.deepEqual(counts(uniform.offsetsMs), [200, 800, 100]);
  // Evenly spaced within each step: the gap is 1/rate of the step the arrival falls in.
  const inside = (from: number, to: number) => gaps(uniform.offsetsMs.filter((t) => t >= from && t < to));
  assert.ok(inside(0, 2000).every((gap) => Math.abs(gap - 10) < 1e-6));
  assert.ok(inside(2000, 4000).every((gap) => Math.abs(gap - 2.5) < 1e-6));
  assert.ok(inside(4000, 6000).every((gap) => Math.abs(gap - 20) < 1e-6));

  const poisson = generateSchedule({ type: 'step', steps, arrivals: 'poisson' }, { durationMs: 6000, seed: 3 });
  counts(poisson.offsetsMs).forEach((count, index) => {
    const expected = (steps[index]!.rateRps * steps[index]!.durationMs) / 1000;
    assert.ok(Math.abs(count - expected) < 4 * Math.sqrt(expected), `step ${index}: ${count} arrivals, expected about ${expected}`);
  });
});

test('ramp, spike and sinusoidal schedules follow their rate curves', () => {
  const ramp = generateSchedule({ type: 'ramp', fromRps: 0, toRps: 200, arrivals: 'uniform' }, { durationMs: 10_000, seed: 1 });
  // ∫ rate = 1000 arrivals; the second half holds 3/4 of them.
  assert.ok(Math.abs(ramp.offsetsMs.length - 1000) <= 1);
  assert.ok(Math.abs(ramp.offsetsMs.filter((t) => t >= 5000).length - 750) <= 1);

  const spike = generateSchedule({ type: 'spike', baseRps: 50, spikeRps: 500, spikeAtMs: 2000, spikeDurationMs: 1000, arrivals: 'uniform' }, { durationMs: 5000, seed: 1 });
  assert.equal(spike.offsetsMs.filter((t) => t >= 2000 && t < 3000).length, 500);
  assert.equal(spike.offsetsMs.filter((t) => t < 2000).length, 100);

  const sine = generateSchedule({ type: 'sinusoidal', meanRps: 100, amplitudeRps: 80, periodMs: 4000, arrivals: 'uniform' }, { durationMs: 8000, seed: 1 });
  assert.ok(Math.abs(sine.offsetsMs.length - 800) <= 2);
  const peak = sine.offsetsMs.filter((t) => t >= 500 && t < 1500).length; // around the crest (1000 ms)
  const trough = sine.offsetsMs.filter((t) => t >= 2500 && t < 3500).length; // around the trough (3000 ms)
  assert.ok(peak > 3 * trough, `crest ${peak} vs trough ${trough}`);
});

test('trace replay keeps every offset exactly', () => {
  const offsets = parseTraceCsv('offset_ms,comment\n0,first\n0.25\n# a comment\n\n17.5\n17.5\n1000\n2999.999\n');
  assert.deepEqual(offsets, [0, 0.25, 17.5, 17.5, 1000, 2999.999]);
  const schedule = generateSchedule({ type: 'trace', offsetsMs: offsets }, { durationMs: 3000, seed: 9 });
  assert.deepEqual(Array.from(schedule.offsetsMs), offsets);
  assert.deepEqual(parseTraceCsv('offset_s\n0\n0.5\n1.25'), [0, 500, 1250]);
  assert.deepEqual(parseTraceCsv('3\n4'), [3, 4]);
});

test('malformed traces are rejected with the line at fault', () => {
  assert.throws(() => parseTraceCsv('offset_ms\n0\nabc\n', 'arrivals.csv'), /arrivals\.csv:3: expected an arrival offset \(a number\), got 'abc'/);
  assert.throws(() => parseTraceCsv('5\n3\n', 't.csv'), /t\.csv:2: arrival offsets must not decrease/);
  assert.throws(() => parseTraceCsv('-1\n', 't.csv'), /t\.csv:1: arrival offsets must be non-negative/);
  assert.throws(() => parseTraceCsv('offset_ms\n\n', 't.csv'), /t\.csv: no arrivals/);
});

test('impossible patterns are reported, all problems at once', () => {
  assert.throws(
    () => resolveLoadPlan({ model: 'm', pattern: 'poisson', rateRps: -5, durationMs: 0 }),
    (error: Error) => /rateRps must be a positive rate in req\/s, but got -5/.test(error.message) && /durationMs must be a positive duration, but got 0/.test(error.message),
  );
  assert.throws(() => resolveLoadPlan({ model: 'm', pattern: { type: 'sinusoidal', meanRps: 10, amplitudeRps: 20, periodMs: 1000 } }), /amplitudeRps must be <= meanRps/);
  assert.throws(() => resolveLoadPlan({ model: 'm', pattern: 'closed', concurrency: 0 }), /concurrency must be an integer in 1\.\.10000, but got 0/);
  assert.throws(() => resolveLoadPlan({ model: 'm', pattern: 'constant' }), /needs a rate \(rateRps\) or a stress level/);
  assert.throws(() => resolveLoadPlan({ model: 'm', pattern: 'ramp' }), /must be given as an object/);
  assert.throws(() => resolveLoadPlan({ model: 'm', pattern: 'step', levels: ['light', 'high'], stepDurationMs: 1000, durationMs: 5000 }), /lasts 2000 ms/);
  assert.throws(() => parsePattern({ type: 'poisson', rate: 5 }), /invalid load pattern/);
  assert.throws(() => generateSchedule({ type: 'poisson', rateRps: 1_000_000 }, { durationMs: 3_600_000, seed: 1 }), /more than the limit of 10000000/);
  const plan = resolveLoadPlan({ model: 'm', pattern: 'step', levels: ['light', 200], stepDurationMs: 1500 });
  assert.equal(plan.durationMs, 3000);
  assert.equal(plan.label, 'step@light,200rps');
});
