import assert from 'node:assert/strict';
import { test } from 'node:test';
import { levelRate, minimumSamplesFor, parseLevelFractions } from '../../../src/load/index.js';
import { LoadRecorder } from '../../../src/load/recorder.js';
import { judgeLastWindows, judgeStability } from '../../../src/load/stability.js';
import { judgeRun } from '../../../src/load/verdict.js';
import { percentileSupport } from '../../../src/load/percentile-support.js';

test("percentile support follows MLPerf LoadGen's early-stopping counts", () => {
  assert.equal(minimumSamplesFor(99), 662);
  assert.equal(minimumSamplesFor(90), 64);
  const support = percentileSupport(661);
  assert.equal(support.p99.supported, false);
  assert.equal(support.p90.supported, true);
  assert.equal(percentileSupport(662).p99.supported, true);
  assert.equal(percentileSupport(662).p999.supported, false);
});

test("closed-loop stability keeps perf_analyzer's rule: the last 3 windows within ±10% on throughput and p99", () => {
  const window = (achievedRps: number, p99Ms: number | null) => ({ achievedRps, p99Ms });
  assert.equal(judgeLastWindows([window(50, 9), window(100, 10), window(105, 10.5), window(98, 10.2)]).state, 'stable');
  const noisyP99 = judgeLastWindows([window(100, 10), window(100, 12), window(100, 10)]);
  assert.equal(noisyP99.state, 'unstable');
  assert.match((noisyP99 as { reason: string }).reason, /p99 of the last 3 windows varies by 20\.0%/);
  assert.match((judgeLastWindows([window(100, 10), window(80, 10), window(100, 10)]) as { reason: string }).reason, /throughput/);
  assert.match((judgeLastWindows([window(100, 10), window(0, null), window(100, 10)]) as { reason: string }).reason, /completed no requests/);
  assert.match((judgeLastWindows([window(100, 10)]) as { reason: string }).reason, /only 1 measurement window/);
  assert.equal(judgeStability('step', [], 0).state, 'not-applicable');
});

test('verdict lists every reason a run is INVALID', () => {
  const base = {
    completed: 1000,
    requests: 1000,
    errors: 0,
    dropped: 0,
    inFlightCap: 64,
    stability: { state: 'stable', throughputSpread: 0.01, p99Spread: 0.02 } as const,
    p99Support: { required: 662, samples: 1000, supported: true },
    p99Ms: 12,
    latencyBoundMs: null,
    maxErrorRate: 0.01,
    generatorWarnings: [],
  };
  assert.deepEqual(judgeRun(base), { valid: true, reasons: [] });
  const bad = judgeRun({
    ...base,
    completed: 300,
    errors: 50,
    dropped: 7,
    stability: { state: 'unstable', throughputSpread: 0.5, p99Spread: 0.1, reason: 'throughput varies' },
    p99Support: { required: 662, samples: 300, supported: false },
    latencyBoundMs: 10,
    generatorWarnings: ['too busy'],
  });
  assert.equal(bad.valid, false);
  assert.deepEqual(bad.reasons, [
    { code: 'unstable', message: 'UNSTABLE: throughput varies' },
    { code: 'p99-unsupported', message: "p99 is backed by 300 requests; at least 662 are needed (MLPerf LoadGen's rule)" },
    { code: 'dropped', message: '7 requests were dropped at the in-flight cap of 64: the offered load was not delivered' },
    { code: 'error-rate', message: 'error rate 5.00% exceeds 1.00%' },
    { code: 'latency-bound', message: 'p99 latency 12 ms exceeds the bound of 10 ms' },
    { code: 'self-check', message: 'self-check: too busy' },
  ]);
  assert.deepEqual(judgeRun({ ...base, completed: 0 }).reasons, [{ code: 'no-completions', message: 'no request completed successfully' }]);
});

test('recorders merge and survive serialisation (fan-out)', () => {
  const layout = { measureStartMs: 1000, endMs: 3000, windowMs: 1000 };
  const a = new LoadRecorder(layout);
  const b = new LoadRecorder(layout);
  for (let i = 0; i < 100; i++) {
    a.recordSent(1000 + i, 1000 + i);
    a.recordSuccess(1000 + i, 1000 + i, 1010 + i, { queueUs: 10, computeUs: 90, batchSize: 1, cacheHit: false });
    b.recordSent(2000 + i, 2001 + i);
    b.recordSuccess(2000 + i, 2001 + i, 2050 + i, undefined);
  }
  b.recordDropped(2500);
  b.recordError('http-5xx', 2600);
  b.recordError('timeout', 2700);
  const merged = LoadRecorder.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
  merged.merge(LoadRecorder.fromJSON(JSON.parse(JSON.stringify(b.toJSON()))));
  assert.equal(merged.ok, 200);
  assert.equal(merged.sent, 200);
  assert.equal(merged.dropped, 1);
  assert.equal(merged.timeouts, 1);
  assert.deepEqual(merged.errorsByKind, { 'http-5xx': 1, timeout: 1 });
  assert.equal(merged.latency.totalCount, 200);
  assert.ok(Math.abs(merged.latency.maxValue - 50_000) <= 50, 'within HDR precision');
  assert.equal(merged.serverTimedResponses, 100);
  assert.deepEqual(
    merged.windows.map((window) => [window.offered, window.sent, window.ok, window.errors, window.dropped]),
    [
      [100, 100, 100, 0, 0],
      [101, 100, 100, 2, 1],
    ],
  );
  assert.equal(merged.windows[1]!.latency.totalCount, 100);
});

test('stress levels are fractions of capacity, configurable', () => {
  assert.equal(levelRate('medium', 1000), 600);
  assert.equal(levelRate('overload', 1000), 1200);
  assert.equal(levelRate('light', 1000, { light: 0.1 }), 100);
  assert.deepEqual(parseLevelFractions('light=0.2, high=0.8'), { light: 0.2, high: 0.8 });
  assert.throws(() => parseLevelFractions('heavy=0.5,light=-1'), /'heavy' is not a level.*light=-1 needs a fraction/);
  assert.throws(() => levelRate('light', 0), /capacity must be a positive rate/);
});
