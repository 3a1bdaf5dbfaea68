import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../../../src/server/index.js';
import { MODEL_PATHS } from '../../support/server/fixtures/models.js';
import { trickleGrpcCall, trickleHttpBody } from '../../support/server/fixtures/trickle-clients.js';
import { postJson } from '../../support/server/support.js';

const cls = { name: 'cls', path: MODEL_PATHS.cls };

/** Rejects if the promise has not settled after a bound far above what the test expects. */
function within<T>(promise: Promise<T>, boundMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still pending after ${boundMs} ms`)), boundMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

test('close(): clients trickling an HTTP body and a gRPC message are cut off at the drain deadline', async (t) => {
  const server = await startServer({ httpPort: 0, grpcPort: 0, models: [cls], drainTimeoutMs: 200 });
  const http = await trickleHttpBody(server.httpUrl, '/v2/models/cls/infer', 1_000_000);
  const grpc = await trickleGrpcCall(server.grpcAddress!);
  t.after(() => {
    http.stop();
    grpc.stop();
  });
  // Both requests have reached the server before it starts draining.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const errors: string[] = [];
  t.mock.method(console, 'error', (line: string) => errors.push(line));

  const startedMs = performance.now();
  // Without the deadline close() waited for these clients (Node's 300 s request timeout, or forever for gRPC).
  await within(server.close(), 20_000, 'close()');
  const tookMs = performance.now() - startedMs;
  assert.ok(tookMs >= 190, `the deadline is waited for (${tookMs.toFixed(0)} ms)`);
  await within(http.closed, 5000, 'the HTTP client connection');
  await within(grpc.closed, 5000, 'the gRPC client connection');
  assert.match(errors.join('\n'), /drain deadline of 200 ms passed: closing the connections still open/);
});

test('close() returns as soon as in-flight requests finish when they finish before the deadline', async (t) => {
  const server = await startServer({ httpPort: 0, grpcPort: null, models: [cls], drainTimeoutMs: 60_000 });
  const errors: string[] = [];
  t.mock.method(console, 'error', (line: string) => errors.push(line));
  const reply = await postJson(`${server.httpUrl}/v2/models/cls/infer`, { inputs: [{ name: 'x', shape: [1, 3, 48, 1], datatype: 'FP32', data: new Array(144).fill(0.5) }] });
  assert.equal(reply.status, 200);
  // A 60 s deadline would fail this bound if close() waited for it.
  await within(server.close(), 20_000, 'close()');
  assert.deepEqual(errors, [], 'no deadline message');
});
