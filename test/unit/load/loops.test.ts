import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock, type Clock } from '../../../src/core/clock.js';
import { runLoad } from '../../../src/load/index.js';
import { constantSamples, drive, fakeClient } from '../../support/load/fake-client.js';

const base = { model: 'm', warmupMs: 0, seed: 3 } as const;

/** HDR histograms keep 3 significant digits: a value reads back within 0.1%. */
function near(actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= expected * 0.001 + 1e-9, `${actual} is not ${expected} within 0.1%`);
}

test('open loop sends every request exactly at its scheduled time (trace replay on a virtual clock)', async () => {
  const clock = new VirtualClock();
  const client = fakeClient(clock, () => 5);
  const offsetsMs = [0, 10, 10, 25.5, 100, 250, 299];
  const summary = await drive(clock, runLoad({ ...base, client, samples: constantSamples(), clock, pattern: { type: 'trace', offsetsMs }, durationMs: 300 }), { stepMs: 0.5 });
  // The first send is the pre-flight probe; the run starts right after it.
  const [probeMs, ...sends] = client.sends;
  const startMs = sends[0]!;
  assert.ok(startMs >= probeMs!);
  assert.deepEqual(sends.map((sendMs) => sendMs - startMs), offsetsMs);
  assert.equal(summary.requests, offsetsMs.length);
  assert.equal(summary.latencyMs?.max, 5);
  assert.equal(summary.generator.scheduleLagMs?.max, 0);
});

test('latency is timed from the scheduled send when the generator itself is held up (coordinated omission)', async () => {
  const clock = new VirtualClock();
  const client = fakeClient(clock, () => 5);
  // The generator is frozen from 1000 to 1500 ms (a blocked event loop: its timers fire late), so sends
  // due meanwhile leave late, all at once. The target itself stays fast.
  const frozen: Clock = {
    nowMs: () => clock.nowMs(),
    sleepMs: (durationMs) => {
      const wakeMs = clock.nowMs() + durationMs;
      return clock.sleepMs(wakeMs >= 1000 && wakeMs < 1500 ? 1500 - clock.nowMs() : durationMs);
    },
  };
  const summary = await drive(clock, runLoad({ ...base, client, samples: constantSamples(), clock: frozen, pattern: 'constant', rateRps: 100, durationMs: 3000 }));
  assert.equal(summary.requests, 300);
  assert.ok(summary.latencyMs!.max >= 500 && summary.latencyMs!.max <= 510, `max latency ${summary.latencyMs!.max}`);
  near(summary.serviceTimeMs!.max, 5);
  // ~50 of 300 requests were due during the freeze: p90 must show it, the uncorrected p90 must not.
  assert.ok(summary.latencyMs!.p90 > 100, `p90 ${summary.latencyMs!.p90}`);
  near(summary.serviceTimeMs!.p90, 5);
  assert.ok(summary.generator.scheduleLagMs!.max >= 490);
  assert.equal(summary.valid, false);
  assert.ok(summary.reasons.some((reason) => reason.code === 'self-check' && reason.message.startsWith('self-check: sends left up to')), JSON.stringify(summary.reasons));
});

test('a stalling target is charged for every request queued behind the stall; closed loop hides it', async () => {
  const stalled = (sendMs: number): number => (sendMs >= 1000 && sendMs < 1500 ? 1500 - sendMs : 10);
  const clock = new VirtualClock();
  const open = await drive(clock, runLoad({ ...base, client: fakeClient(clock, stalled), samples: constantSamples(), clock, pattern: 'constant', rateRps: 100, durationMs: 3000 }));
  // 50 of 300 requests arrive during the stall and wait up to 500 ms.
  assert.ok(open.latencyMs!.p90 >= 100, `open-loop p90 ${open.latencyMs!.p90}`);
  assert.ok(open.latencyMs!.max >= 490);

  const clock2 = new VirtualClock();
  const closed = await drive(clock2, runLoad({ ...base, client: fakeClient(clock2, stalled), samples: constantSamples(), clock: clock2, pattern: 'closed', concurrency: 1, durationMs: 3000 }));
  // One client: the stall delays a single request, so percentiles below the max look healthy.
  near(closed.latencyMs!.p90, 10);
  assert.ok(closed.latencyMs!.max >= 490);
});

test('at the in-flight cap requests are dropped and counted, never delayed', async () => {
  const clock = new VirtualClock();
  const client = fakeClient(clock, (sendMs) => (sendMs >= 1000 && sendMs < 1500 ? 1500 - sendMs : 5));
  const summary = await drive(clock, runLoad({ ...base, client, samples: constantSamples(), clock, pattern: 'constant', rateRps: 100, durationMs: 2000, inFlightCap: 5 }));
  assert.ok(summary.dropped >= 40 && summary.dropped <= 50, `dropped ${summary.dropped}`);
  assert.equal(summary.requests + summary.dropped, 200);
  assert.equal(summary.generator.scheduleLagMs!.max, 0, 'requests that were sent left on time');
  assert.ok(summary.reasons.some((reason) => reason.code === 'dropped' && /dropped at the in-flight cap of 5/.test(reason.message)));
  assert.equal(summary.windows.reduce((total, window) => total + window.dropped, 0), summary.dropped);
});

test('requests that never answer time out and the run still ends', async () => {
  const clock = new VirtualClock();
  const client = fakeClient(clock, (sendMs) => (sendMs >= 500 && sendMs < 600 ? null : 5));
  const summary = await drive(clock, runLoad({ ...base, client, samples: constantSamples(), clock, pattern: 'constant', rateRps: 100, durationMs: 1000, timeoutMs: 200 }), {
    limitMs: 10_000,
  });
  assert.equal(summary.timeouts, 10);
  assert.equal(summary.errors.byKind.timeout, 10);
  assert.equal(summary.completed, 90);
  assert.ok(clock.nowMs() < 2000, `ended at ${clock.nowMs()} ms`);
});

test('closed loop with think time: N clients, each sending on completion after thinking', async () => {
  const clock = new VirtualClock();
  const client = fakeClient(clock, () => 10, { queueUs: 200, computeUs: 800, batchSize: 2, cacheHit: true });
  const summary = await drive(
    clock,
    runLoad({ ...base, client, samples: constantSamples(), clock, pattern: 'closed', concurrency: 2, thinkTimeMs: 40, durationMs: 2000, warmupMs: 500 }),
  );
  // Each client cycles every 50 ms: 2 × 20 req/s.
  assert.ok(Math.abs(summary.achievedRps - 40) <= 1, `achieved ${summary.achievedRps}`);
  assert.ok(summary.warmupRequests >= 18 && summary.warmupRequests <= 22, `warm-up ${summary.warmupRequests}`);
  near(summary.latencyMs!.p50, 10);
  assert.equal(summary.offeredRps, null);
  const { decompositionMs, ...server } = summary.server!;
  assert.deepEqual({ ...server, responses: 0 }, {
    responses: 0,
    queueUs: { mean: 200, p50: 200, p99: 200 },
    computeUs: { mean: 800, p50: 800, p99: 800 },
    meanBatchSize: 2,
    cacheHitRate: 1,
  });
  // 10 ms per request on the virtual clock: 0.2 ms queueing, 0.8 ms compute, the other 9 ms outside the server.
  const parts = decompositionMs!.mean;
  near(parts.send_lag, 0);
  near(parts.server_queue, 0.2);
  near(parts.server_compute, 0.8);
  near(parts.transport, 9);
  near(parts.server_serialize, 0);
});

test('per-window series read a step pattern step by step', async () => {
  const clock = new VirtualClock();
  const client = fakeClient(clock, () => 2);
  const pattern = { type: 'step', arrivals: 'uniform', steps: [{ rateRps: 100, durationMs: 2000 }, { rateRps: 300, durationMs: 2000 }] } as const;
  const summary = await drive(clock, runLoad({ ...base, client, samples: constantSamples(), clock, pattern, windowMs: 1000 }));
  assert.deepEqual(
    summary.windows.map((window) => window.offeredRps),
    [100, 100, 300, 300],
  );
  assert.equal(summary.stability.state, 'not-applicable');
  assert.equal(summary.durationMs, 4000);
});
