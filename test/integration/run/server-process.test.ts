import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareOsKnobs } from '../../../src/knobs/apply.js';
import { detectOsCapabilities } from '../../../src/knobs/detect.js';
import { parseReadyLine, ServerProcess, TrialFailure } from '../../../src/run/server-process.js';

const node = process.execPath;

test('the ready line is parsed; other lines are not', () => {
  assert.deepEqual(parseReadyLine('ready {"http":"http://127.0.0.1:1234","grpc":"127.0.0.1:1235","models":["m"],"startupMs":12}'), {
    http: 'http://127.0.0.1:1234',
    grpc: '127.0.0.1:1235',
    models: ['m'],
    startupMs: 12,
  });
  assert.equal(parseReadyLine('ready soon'), undefined);
  assert.equal(parseReadyLine('servelab: loading'), undefined);
});

test('a process that prints its ready line is ready, and stop() ends it', async () => {
  const script = `console.log('warming'); setTimeout(() => console.log('ready ' + JSON.stringify({ http: 'http://127.0.0.1:9', grpc: null, models: ['m'], startupMs: 5 })), 100); setInterval(() => {}, 1000);`;
  const { server, ready } = await ServerProcess.launch({ argv: [node, '-e', script], readyTimeoutMs: 10_000 });
  assert.equal(ready.http, 'http://127.0.0.1:9');
  assert.ok(server.pid > 0);
  const exit = await server.stop();
  assert.equal(exit.signal, 'SIGTERM');
});

test('a process that exits before it is ready is a crash with its stderr', async () => {
  const script = `console.error('Error: failed to load model bogus.onnx: protobuf parsing failed'); process.exit(3);`;
  await assert.rejects(ServerProcess.launch({ argv: [node, '-e', script], readyTimeoutMs: 10_000 }), (error: unknown) => {
    assert.ok(error instanceof TrialFailure);
    assert.equal(error.kind, 'crash');
    assert.match(error.message, /the server exited with code 3 before it was ready: Error: failed to load model bogus.onnx: protobuf parsing failed/);
    return true;
  });
});

test('a process that never prints its ready line fails as not-ready and is killed', async () => {
  const started = performance.now();
  await assert.rejects(ServerProcess.launch({ argv: [node, '-e', 'setInterval(() => {}, 1000)'], readyTimeoutMs: 400 }), (error: unknown) => {
    assert.ok(error instanceof TrialFailure);
    assert.equal(error.kind, 'not-ready');
    assert.match(error.message, /no ready line within 400 ms/);
    return true;
  });
  assert.ok(performance.now() - started < 8_000);
});

const caps = detectOsCapabilities();
const memorySkip = caps.knobs['os.memoryLimitMb'].method === 'cgroup-memory' ? false : `needs a cgroup memory controller: ${caps.knobs['os.memoryLimitMb'].reason ?? caps.knobs['os.memoryLimitMb'].method}`;

test('a server that outgrows its memory limit fails as out-of-memory', { skip: memorySkip }, async () => {
  const script = `console.log('ready ' + JSON.stringify({ http: 'http://127.0.0.1:9', grpc: null, models: [], startupMs: 1 })); const keep = []; setInterval(() => keep.push(Buffer.alloc(32 * 1024 * 1024, 1)), 20);`;
  const argv = [node, '-e', script];
  const osKnobs = prepareOsKnobs({ memoryLimitMb: 128 }, argv, caps);
  const { server } = await ServerProcess.launch({ argv, osKnobs, readyTimeoutMs: 10_000 });
  const exit = await server.exited;
  const failure = server.failureFromExit(exit, 'during the trial');
  await server.stop();
  assert.equal(failure.kind, 'out-of-memory');
  assert.match(failure.message, /ran out of memory during the trial under the memory limit \(was killed by SIGKILL\)/);
});
