import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCapacity, runLoad } from '../../../src/load/index.js';
import { startStubTarget, stubSamples, STUB_MODEL } from '../../support/load/stub-target.js';

test('a target that stalls is charged for every request scheduled during the stall; closed loop omits them', async (t) => {
  const stub = await startStubTarget({ mode: 'delayed', serviceMs: 1 });
  t.after(() => stub.close());
  const common = { target: stub.url, protocol: 'kserve-http', model: STUB_MODEL, warmupMs: 0, durationMs: 2000 } as const;

  let nowMs = performance.now();
  stub.options.stall = { startMs: nowMs + 700, endMs: nowMs + 1200 };
  const open = await runLoad({ ...common, samples: stubSamples(), pattern: 'constant', rateRps: 200 });
  // ~100 of ~400 requests arrive during the 500 ms stall; ~80 of them wait over 100 ms.
  assert.ok(open.latencyMs!.max >= 400, `open-loop max ${open.latencyMs!.max}`);
  assert.ok(open.latencyMs!.p90 >= 100, `open-loop p90 ${open.latencyMs!.p90} should show the stall`);
  assert.equal(open.dropped, 0);

  nowMs = performance.now();
  stub.options.stall = { startMs: nowMs + 700, endMs: nowMs + 1200 };
  const closed = await runLoad({ ...common, samples: stubSamples(), pattern: 'closed', concurrency: 4 });
  // Four clients: only the four requests in flight see the stall; p99 hides it (coordinated omission): it stays far
  // below the stall the maximum shows.
  assert.ok(closed.latencyMs!.max >= 400, `closed-loop max ${closed.latencyMs!.max}`);
  assert.ok(closed.latencyMs!.p99 < closed.latencyMs!.max / 4, `closed-loop p99 ${closed.latencyMs!.p99}, max ${closed.latencyMs!.max}`);
});

test('capacity search finds the throughput of a target of known capacity', async (t) => {
  // One request at a time, 5 ms each: 200 req/s.
  const stub = await startStubTarget({ mode: 'serial', serviceMs: 5 });
  t.after(() => stub.close());
  const result = await findCapacity({
    target: stub.url,
    protocol: 'kserve-http',
    model: STUB_MODEL,
    samples: stubSamples(),
    // A generous latency bound: saturation shows as the achieved rate falling behind, even on a busy machine.
    capacitySearch: { startRps: 50, stepDurationMs: 1000, warmupMs: 200, maxSteps: 10, maxP99Ms: 250 },
  });
  // A serial 5 ms target cannot serve more than 200 req/s: a search past that is a bug. How much of it a busy
  // machine reaches is not this test's business (the exact search is tested on a virtual clock in capacity.test.ts):
  // the capacity is the fastest step that passed.
  assert.ok(result.capacityRps <= 205, `capacity ${result.capacityRps} req/s exceeds what the target can serve (${JSON.stringify(result.steps)})`);
  assert.equal(result.capacityRps, Math.max(...result.steps.filter((step) => step.passed).map((step) => step.rateRps)), JSON.stringify(result.steps));
  assert.ok(result.saturatedAtRps !== null && result.saturatedAtRps > result.capacityRps * 0.95);
  assert.ok(result.steps.filter((step) => !step.measuredAgain).length <= 10, 'at most maxSteps rates, each with at most one second measurement');
  assert.ok(result.steps.some((step) => !step.passed));
});

test('stress levels resolve against a given capacity', async (t) => {
  const stub = await startStubTarget({ mode: 'delayed', serviceMs: 1 });
  t.after(() => stub.close());
  const summary = await runLoad({
    target: stub.url,
    protocol: 'kserve-http',
    model: STUB_MODEL,
    samples: stubSamples(),
    pattern: 'constant',
    level: 'medium',
    capacityRps: 200,
    fractions: { medium: 0.5 },
    durationMs: 1000,
    warmupMs: 0,
  });
  assert.equal(summary.pattern, 'constant@medium');
  assert.equal(summary.offeredRps, 100);
  assert.deepEqual(summary.capacity, { capacityRps: 200, measured: false, fractions: { light: 0.25, medium: 0.5, high: 0.9, overload: 1.2 } });
});

test('errors are counted by kind and make the run INVALID', async (t) => {
  const stub = await startStubTarget({ mode: 'delayed', serviceMs: 1, failEvery: 10 });
  t.after(() => stub.close());
  const summary = await runLoad({ target: stub.url, protocol: 'kserve-http', model: STUB_MODEL, samples: stubSamples(), pattern: 'constant', rateRps: 100, durationMs: 1000, warmupMs: 0 });
  assert.ok(Math.abs(summary.errors.total - 10) <= 1, `errors ${summary.errors.total}`);
  assert.deepEqual(Object.keys(summary.errors.byKind), ['http-5xx']);
  assert.ok(summary.reasons.some((reason) => reason.code === 'error-rate' && /error rate .* exceeds 1\.00%/.test(reason.message)));
});

test('bad input fails with one clear line before any load is sent', async (t) => {
  const stub = await startStubTarget();
  t.after(() => stub.close());
  const closedPort = await startStubTarget().then(async (other) => {
    await other.close();
    return other.port;
  });
  const base = { protocol: 'kserve-http', model: STUB_MODEL, samples: stubSamples(), pattern: 'constant', rateRps: 10, durationMs: 500, warmupMs: 0 } as const;
  const cases: [string, Parameters<typeof runLoad>[0], RegExp][] = [
    ['unreachable', { ...base, target: `http://127.0.0.1:${closedPort}` }, /target http:\/\/127\.0\.0\.1:\d+ is unreachable: .*ECONNREFUSED.*is the server running/],
    ['wrong protocol', { ...base, protocol: 'kserve-grpc', target: `127.0.0.1:${stub.port}` }, /does not speak KServe v2 gRPC/],
    ['unknown model', { ...base, target: stub.url, model: 'nope' }, /model 'nope' is not served by http:\/\/127\.0\.0\.1:\d+: model 'nope' not found/],
    ['negative rate', { ...base, target: stub.url, rateRps: -1 }, /rateRps must be a positive rate in req\/s, but got -1/],
    ['zero duration', { ...base, target: stub.url, durationMs: 0 }, /durationMs must be a positive duration, but got 0/],
    ['not loopback', { ...base, target: 'http://10.1.2.3:8500' }, /not loopback/],
    ['bad url', { ...base, target: 'http://127.0.0.1' }, /has no port/],
  ];
  for (const [name, options, expected] of cases) {
    await assert.rejects(runLoad(options), (error: Error) => {
      assert.equal(error.name, 'ServelabError', `${name}: ${error.stack}`);
      assert.match(error.message, expected, name);
      assert.ok(!error.message.includes('\n'), `${name}: one line`);
      return true;
    });
  }
  assert.equal(stub.requests, 0, 'no inference request reached the target');

  stub.options.failWithStatus = 400;
  await assert.rejects(runLoad({ ...base, target: stub.url }), /the target rejected a probe request for model 'echo' on http:\/\/127\.0\.0\.1:\d+: HTTP 400: configured failure/);
  assert.equal(stub.requests, 1, 'only the probe was sent');
});

test('load spreads over several generator processes and their histograms merge', async (t) => {
  const stub = await startStubTarget({ mode: 'delayed', serviceMs: 1, inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 1, 28, 28] }] });
  t.after(() => stub.close());
  const summary = await runLoad({
    target: stub.url,
    protocol: 'kserve-http',
    model: STUB_MODEL,
    workload: 'mnist-digits',
    pattern: 'constant',
    rateRps: 200,
    durationMs: 1500,
    warmupMs: 200,
    processes: 2,
  });
  assert.equal(summary.generator.processes, 2);
  assert.equal(summary.generator.perProcess.length, 2);
  assert.equal(summary.requests + summary.dropped, 300);
  assert.equal(summary.completed, 300);
  // Completions within the measured window over its length: none beyond the 300 scheduled (how close to 200 req/s
  // a busy machine comes is not checked here).
  assert.ok(summary.achievedRps > 0 && summary.achievedRps <= 200 + 1e-9, `achieved ${summary.achievedRps}`);
  // One probe per process plus the parent's, then warm-up and measured requests.
  assert.equal(stub.requests, 3 + summary.warmupRequests + summary.requests);
});
