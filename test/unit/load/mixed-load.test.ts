/** The mixed load of co-served models on a virtual clock: each stream's own rate, independence, per-model results. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { memberSeed, runMixedLoad } from '../../../src/load/mixed-load.js';
import { generateSchedule } from '../../../src/load/schedule.js';
import { RequestError } from '../../../src/targets/request-error.js';
import { constantSamples, drive, fakeClient } from '../../support/load/fake-client.js';

function countsPerWindow(offsetsMs: Float64Array, windowMs: number, windows: number): number[] {
  const counts = new Array<number>(windows).fill(0);
  for (const offset of offsetsMs) {
    const index = Math.floor(offset / windowMs);
    if (index < windows) counts[index]!++;
  }
  return counts;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  const ma = mean(a);
  const mb = mean(b);
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    cov += (a[i]! - ma) * (b[i]! - mb);
    va += (a[i]! - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  }
  return cov / Math.sqrt(va * vb);
}

test('each member has a seed of its own, the same whichever group it is in', () => {
  assert.notEqual(memberSeed(7, 'mnist-cnn'), memberSeed(7, 'sentiment-cls'));
  assert.notEqual(memberSeed(7, 'mnist-cnn'), memberSeed(8, 'mnist-cnn'));
  assert.equal(memberSeed(7, 'mnist-cnn'), memberSeed(7, 'mnist-cnn'));
});

test('members\' Poisson streams are independent: near-zero correlation of their counts per window', () => {
  const durationMs = 120_000;
  const windowMs = 100;
  const a = generateSchedule({ type: 'poisson', rateRps: 100 }, { durationMs, seed: memberSeed(3, 'a') });
  const b = generateSchedule({ type: 'poisson', rateRps: 100 }, { durationMs, seed: memberSeed(3, 'b') });
  const r = pearson(countsPerWindow(a.offsetsMs, windowMs, 1200), countsPerWindow(b.offsetsMs, windowMs, 1200));
  // 1,200 windows: the correlation of independent streams has a standard error of about 0.029.
  assert.ok(Math.abs(r) < 0.12, `correlation ${r}`);
  // The same stream against itself shifted by nothing would correlate fully: the test can see dependence.
  assert.ok(pearson(countsPerWindow(a.offsetsMs, windowMs, 1200), countsPerWindow(a.offsetsMs, windowMs, 1200)) > 0.99);
});

test('one run sends every member\'s own stream at its own rate from one start, with per-model results and the combined throughput', async () => {
  const clock = new VirtualClock();
  const fast = fakeClient(clock, () => 2);
  const slow = fakeClient(clock, () => 8);
  const durationMs = 20_000;
  let started = 0;
  const summary = await drive(
    clock,
    runMixedLoad({
      members: [
        { model: 'fast', pattern: 'poisson', rateRps: 150, client: fast, samples: constantSamples() },
        { model: 'slow', pattern: 'poisson', rateRps: 40, client: slow, samples: constantSamples() },
      ],
      durationMs,
      warmupMs: 0,
      seed: 11,
      clock,
      onLoadStart: () => started++,
    }),
  );
  const [first, second] = summary.members;
  assert.equal(first?.model, 'fast');
  assert.equal(second?.model, 'slow');
  // Each stream's count is Poisson around rate x duration: within 5 standard deviations.
  for (const [member, rateRps] of [[first!, 150], [second!, 40]] as const) {
    const expected = (rateRps * durationMs) / 1000;
    assert.ok(Math.abs(member.requests - expected) < 5 * Math.sqrt(expected), `${member.model}: ${member.requests} requests, expected about ${expected}`);
  }
  // Latency per model: each from its own client.
  assert.ok(Math.abs(first!.latencyMs!.p50 - 2) < 0.01, `fast p50 ${first!.latencyMs!.p50}`);
  assert.ok(Math.abs(second!.latencyMs!.p50 - 8) < 0.01, `slow p50 ${second!.latencyMs!.p50}`);
  assert.equal(summary.combined.requests, first!.requests + second!.requests);
  assert.equal(summary.combined.completed, first!.completed + second!.completed);
  assert.ok(Math.abs(summary.combined.achievedRps - (first!.achievedRps + second!.achievedRps)) < 1e-9);
  // One start for both, once every member is prepared (the slow member's probe answered): each member's first
  // request leaves at that start plus the first offset of its own schedule.
  const startMs = slow.sends[0]! + 8;
  const firstOffset = (model: string, rateRps: number): number => generateSchedule({ type: 'poisson', rateRps }, { durationMs, seed: memberSeed(11, model) }).offsetsMs[0]!;
  assert.ok(Math.abs(fast.sends[1]! - (startMs + firstOffset('fast', 150))) <= 1, `fast first send at ${fast.sends[1]}`);
  assert.ok(Math.abs(slow.sends[1]! - (startMs + firstOffset('slow', 40))) <= 1, `slow first send at ${slow.sends[1]}`);
  assert.equal(summary.members.every((member) => member.seed !== 11), true, 'members draw from their own seeds');
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(started, 1, 'the measured start is announced once for the whole mix');
});

test('errors and verdicts are per model: a failing member\'s errors are not charged to the other', async () => {
  const clock = new VirtualClock();
  const healthy = fakeClient(clock, () => 3);
  const failing = fakeClient(clock, () => 3);
  let probed = false;
  const broken = {
    ...failing,
    send: async (...args: Parameters<typeof failing.send>) => {
      if (!probed) {
        probed = true; // the pre-flight probe passes; the measured requests then fail
        return failing.send(...args);
      }
      throw new RequestError('http-status', 'HTTP 500');
    },
  };
  const summary = await drive(
    clock,
    runMixedLoad({
      members: [
        { model: 'ok', pattern: 'constant', rateRps: 50, client: healthy, samples: constantSamples() },
        { model: 'broken', pattern: 'constant', rateRps: 50, client: broken, samples: constantSamples() },
      ],
      durationMs: 4_000,
      warmupMs: 0,
      seed: 2,
      clock,
    }),
  );
  const [ok, bad] = summary.members;
  // A virtual-clock run is short and busy on the real CPU (the p99 and the generator's self-check may object to
  // either member alike); what differs is that only the failing member is judged for its errors.
  const aboutErrors = (reasons: readonly unknown[]): boolean => reasons.some((reason) => /error rate|errors/i.test(JSON.stringify(reason)));
  assert.equal(ok!.errors.total, 0);
  assert.equal(aboutErrors(ok!.reasons), false, JSON.stringify(ok!.reasons));
  assert.equal(bad!.completed, 0);
  assert.equal(bad!.errors.total, bad!.requests);
  assert.equal(bad!.valid, false);
  assert.equal(aboutErrors(bad!.reasons), true, JSON.stringify(bad!.reasons));
  assert.equal(summary.combined.valid, false);
  assert.equal(summary.combined.errors, bad!.errors.total);
});

test('a mix without members, or with a model twice, is refused before anything is sent', async () => {
  await assert.rejects(runMixedLoad({ members: [], durationMs: 1000, warmupMs: 0, seed: 1 }), /at least one member/);
  const clock = new VirtualClock();
  const client = fakeClient(clock, () => 1);
  await assert.rejects(
    runMixedLoad({
      members: [
        { model: 'm', pattern: 'poisson', rateRps: 10, client, samples: constantSamples() },
        { model: 'm', pattern: 'poisson', rateRps: 20, client, samples: constantSamples() },
      ],
      durationMs: 1000,
      warmupMs: 0,
      seed: 1,
      clock,
    }),
    /'m' is given twice/,
  );
  await assert.rejects(runMixedLoad({ members: [{ model: 'm', pattern: 'poisson', client, samples: constantSamples() }], durationMs: 1000, warmupMs: 0, seed: 1, clock }), /needs its rate/);
  assert.equal(client.sends.length, 0);
});
