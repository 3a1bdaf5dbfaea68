import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createProgram } from '../../../src/cli/program.js';
import { runServelab } from '../../support/cli.js';
import { startStubTarget, STUB_MODEL, type StubTarget } from '../../support/load/stub-target.js';

const MNIST_INPUT = [{ name: 'image', datatype: 'FP32', shape: [-1, 1, 28, 28] }] as const;

/** Runs the CLI in this process (starting a process per case costs seconds), capturing what it prints. */
async function servelab(args: string[]): Promise<string> {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...items: unknown[]) => void printed.push(items.join(' '));
  try {
    const argv = ['node', 'servelab', ...args];
    await (await createProgram(argv)).exitOverride().parseAsync(argv);
  } finally {
    console.log = log;
  }
  return printed.join('\n');
}

async function setup(t: TestContext, options: Parameters<typeof startStubTarget>[0]): Promise<{ stub: StubTarget; dir: string }> {
  const stub = await startStubTarget(options);
  const dir = mkdtempSync(join(tmpdir(), 'servelab-load-'));
  t.after(async () => {
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { stub, dir };
}

test('servelab load runs a pattern against a target and writes the JSON summary', async (t) => {
  const { stub, dir } = await setup(t, { mode: 'delayed', serviceMs: 1, inputs: MNIST_INPUT });
  const out = join(dir, 'summary.json');
  // Runs this short are INVALID (too few requests behind p99); this test is about the summary, not the verdict.
  const common = ['load', '--target', stub.url, '--model', STUB_MODEL, '--workload', 'mnist-digits', '--warmup', '0s', '--no-fail-on-invalid'];
  const printed = await servelab([...common, '--pattern', 'constant', '--rate', '50', '--duration', '1s', '--json', out]);
  assert.match(printed, /constant@50rps → echo on http:\/\/127\.0\.0\.1:\d+ \(kserve-http\)/);
  assert.match(printed, /latency ms \(from schedule\)/);
  assert.match(printed, /^(VALID|INVALID)$/m);
  const summary = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(summary.requests, 50);
  assert.equal(summary.errors.total, 0);
  assert.equal(summary.dropped, 0);
  for (const key of ['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean']) {
    assert.equal(typeof summary.latencyMs[key], 'number', key);
    assert.equal(typeof summary.serviceTimeMs[key], 'number', key);
  }
  assert.equal(typeof summary.achievedRps, 'number');
  assert.equal(typeof summary.valid, 'boolean');
  assert.ok(Array.isArray(summary.reasons));

  const trace = join(dir, 'arrivals.csv');
  writeFileSync(trace, 'offset_ms\n0\n100\n250\n');
  await servelab([...common, '--pattern', 'trace', '--trace', trace, '--json', out]);
  const replay = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(replay.requests, 3);
  assert.equal(replay.pattern, 'trace@3');
});

test('servelab load rejects bad input with one line and sends nothing', async (t) => {
  const { stub, dir } = await setup(t, { inputs: MNIST_INPUT });
  const badTrace = join(dir, 'bad.csv');
  writeFileSync(badTrace, 'offset_ms\n0\n5\n3\n');
  const common = ['load', '--target', stub.url, '--model', STUB_MODEL, '--workload', 'mnist-digits'];
  const cases: [string[], RegExp][] = [
    [[...common, '--pattern', 'poisson', '--rate', '-5', '--duration', '0s'], /rateRps must be a positive rate in req\/s, but got -5.*durationMs must be a positive duration, but got 0/],
    [[...common, '--pattern', 'ramp', '--from', '5'], /--pattern ramp needs --to/],
    [[...common, '--pattern', 'spike', '--base', '5', '--spike', '50', '--spike-at', 'soon', '--spike-duration', '1s'], /--spike-at: expected a duration/],
    [['load', '--target', 'http://127.0.0.1:1', '--model', STUB_MODEL, '--workload', 'mnist-digits', '--rate', '5'], /unreachable/],
    [['load', '--target', stub.url, '--model', 'other', '--workload', 'mnist-digits', '--rate', '5'], /model 'other' is not served by/],
    [['load', '--target', 'http://192.0.2.1:8500', '--model', 'm', '--workload', 'mnist-digits', '--rate', '5'], /not loopback/],
    [[...common, '--workload', 'no-such-workload', '--rate', '5'], /unknown workload 'no-such-workload'/],
  ];
  for (const [args, expected] of cases) {
    await assert.rejects(servelab(args), (error: Error) => {
      assert.equal(error.name, 'ServelabError', String(error.stack));
      assert.match(error.message, expected);
      assert.ok(!error.message.includes('\n'));
      return true;
    });
  }
  assert.equal(stub.requests, 0);

  // The installed entry point prints such an error as one line and exits with 1.
  const result = await runServelab([...common, '--pattern', 'trace', '--trace', badTrace], { timeoutMs: 60_000 });
  assert.equal(result.code, 1);
  assert.match(result.stderr.trim(), /^servelab: .*bad\.csv:4: arrival offsets must not decrease, got 3 after 5$/);
  assert.equal(stub.requests, 0);
});

test('an INVALID run exits with status 99 and says why on stderr; --no-fail-on-invalid exits 0', async (t) => {
  const { stub } = await setup(t, { mode: 'delayed', serviceMs: 1, inputs: MNIST_INPUT });
  // 10 requests cannot back a p99: INVALID by construction, whatever the machine's load.
  const args = ['load', '--target', stub.url, '--model', STUB_MODEL, '--workload', 'mnist-digits', '--warmup', '0s', '--pattern', 'constant', '--rate', '20', '--duration', '500ms'];
  const failing = await runServelab(args, { timeoutMs: 120_000 });
  assert.equal(failing.code, 99, failing.stderr);
  assert.match(failing.stdout, /^INVALID$/m);
  assert.match(failing.stderr.trim(), /^servelab: the run is INVALID \(exit status 99; --no-fail-on-invalid exits 0\): .*p99 is backed by \d+ requests/);

  const json = await runServelab([...args, '--json'], { timeoutMs: 120_000 });
  assert.equal(json.code, 99, json.stderr);
  assert.equal(JSON.parse(json.stdout).valid, false);

  const tolerated = await runServelab([...args, '--no-fail-on-invalid'], { timeoutMs: 120_000 });
  assert.equal(tolerated.code, 0, tolerated.stderr);
  assert.match(tolerated.stdout, /^INVALID$/m);
  assert.equal(tolerated.stderr, '');
});

test('a target that accepts TCP but never speaks ends the process with an error, for every protocol', async (t) => {
  // allowHalfOpen: the server never closes its side, as a listener that does not accept (or a hung process) does.
  const sockets = new Set<Socket>();
  const silent = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        silent.close(() => resolve());
      }),
  );
  const port = (silent.address() as { port: number }).port;
  const cases: [string, string, RegExp][] = [
    ['kserve-grpc', `127.0.0.1:${port}`, /does not speak KServe v2 gRPC/],
    ['kserve-http', `http://127.0.0.1:${port}`, /did not answer GET \/v2 within 1000 ms/],
    ['tfserving-http', `http://127.0.0.1:${port}`, /did not answer GET \/v1\/models\/echo\/metadata within 1000 ms/],
  ];
  for (const [protocol, target, expected] of cases) {
    const args = ['load', '--protocol', protocol, '--target', target, '--model', STUB_MODEL, '--workload', 'mnist-digits', '--rate', '5', '--timeout', '1s'];
    // Generous: the process needs a few seconds to start and 1 s of pre-flight timeout; a hang never ends.
    const result = await runServelab(args, { timeoutMs: 60_000 });
    assert.notEqual(result.code, null, `${protocol}: the process was still running after 60 s (stderr: ${result.stderr})`);
    assert.equal(result.code, 1, `${protocol}: ${result.stderr}`);
    assert.match(result.stderr, expected, protocol);
  }
});
